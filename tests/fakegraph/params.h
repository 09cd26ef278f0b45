/*
 * params: request parameters from the query string and the body.
 *
 * Graph clients send POST parameters in the query string, as
 * x-www-form-urlencoded bodies or as multipart/form-data
 * (threads-api.md section 1); all three land in one list here.
 */
#ifndef FG_PARAMS_H
#define FG_PARAMS_H

#include <stddef.h>

#define PARAMS_MAX	256

enum param_src {
	PARAM_QUERY,
	PARAM_BODY
};

struct param {
	char		*name;
	char		*value;
	enum param_src	 src;
};

struct params {
	struct param	*v;
	size_t		 n, cap;
};

int			 params_add_urlencoded(struct params *, const char *,
			    size_t, enum param_src);
int			 params_add_multipart(struct params *, const char *,
			    const char *, size_t);
const struct param	*params_find(const struct params *, const char *);
const char		*params_get(const struct params *, const char *);
void			 params_clear(struct params *);

int			 url_decode(const char *, size_t, int, char **);
char			*url_encode(const char *);

#endif

/*
 * What every human printer shares: a result's fields as strings ("-"
 * for missing or null), the terminal's width and the state colours.
 * The printers themselves are output-human.c (the table of them),
 * output-post.c and output-stats.c; output-json.c needs none of this.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include "output.h"

const char *
output_field(struct json_object *o, const char *key)
{
	struct json_object *v;

	if (!json_object_object_get_ex(o, key, &v) ||
	    json_object_is_type(v, json_type_null))
		return NULL;
	return json_object_get_string(v);
}

const char *
output_dash(const char *s)
{
	return s != NULL ? s : "-";
}

size_t
output_width(void)
{
	struct winsize ws;
	const char *cols;
	long n;

	if (isatty(STDOUT_FILENO) && ioctl(STDOUT_FILENO, TIOCGWINSZ,
	    &ws) == 0 && ws.ws_col >= 40)
		return ws.ws_col;
	if ((cols = getenv("COLUMNS")) != NULL && (n = atol(cols)) >= 40 &&
	    n <= 1000)
		return (size_t)n;
	return 80;
}

/* Colour: on a terminal only, never with NO_COLOR (no-color.org). */
static int
color_enabled(void)
{
	static int enabled = -1;
	const char *no, *term;

	if (enabled < 0) {
		no = getenv("NO_COLOR");
		term = getenv("TERM");
		enabled = isatty(STDOUT_FILENO) && (no == NULL || *no == '\0') &&
		    (term == NULL || strcmp(term, "dumb") != 0);
	}
	return enabled;
}

const char *
output_state_color(const char *state)
{
	static const struct {
		const char	*state;
		const char	*sgr;
	} colors[] = {
		{ "active",		"\033[32m" },	/* green */
		{ "published",		"\033[32m" },
		{ "reauth_required",	"\033[1;31m" },	/* bold red */
		{ "revoked",		"\033[1;31m" },
		{ "failed",		"\033[1;31m" },
		{ "cancelled",		"\033[2m" },	/* dim */
	};
	size_t i;

	if (state == NULL || !color_enabled())
		return "";
	for (i = 0; i < sizeof(colors) / sizeof(colors[0]); i++)
		if (strcmp(colors[i].state, state) == 0)
			return colors[i].sgr;
	return "";
}

const char *
output_color_off(const char *on)
{
	return on[0] != '\0' ? "\033[0m" : "";
}

/*
 * threadsctl import FILE: many posts from JSON lines or CSV, queued all
 * or none.  Each row's keys (CSV: its header's columns) are the
 * post.schedule argument names.  The rows go to the daemon in chunks
 * under one session (a request line holds at most 1 MiB); the daemon
 * validates each chunk and queues the lot in one transaction with the
 * last, or nothing if any row was bad.  Every bad row is reported with
 * its line number.
 */
#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "client.h"
#include "ctl.h"

#define IMPORT_FILE_MAX	(256 * 1024 * 1024)
#define CHUNK_BYTES	(512 * 1024)	/* well under the 1 MiB line */
#define COLUMNS_MAX	64

/* The CSV columns that hold lists ('|' between items) and booleans. */
static const char *const list_columns[] = { "images", "videos", "poll",
	"spoiler", NULL };
static const char *const bool_columns[] = { "ghost", "spoiler_media",
	NULL };

struct rows {
	struct json_object	*v;	/* [{"line","post"}] */
	size_t			 bad;	/* rows that did not parse here */
};

static int
in(const char *const *names, const char *s)
{
	size_t i;

	for (i = 0; names[i] != NULL; i++)
		if (strcmp(names[i], s) == 0)
			return 1;
	return 0;
}

static void
local_problem(struct rows *rs, long line, const char *msg)
{
	fprintf(stderr, "threadsctl: line %ld: %s\n", line, msg);
	rs->bad++;
}

static void
add_row(struct rows *rs, long line, struct json_object *post)
{
	struct json_object *o = json_object_new_object();

	json_object_object_add(o, "line", json_object_new_int64(line));
	json_object_object_add(o, "post", post);
	json_object_array_add(rs->v, o);
}

static char *
read_all(const char *path, size_t *ret_len)
{
	FILE *f = strcmp(path, "-") == 0 ? stdin : fopen(path, "r");
	char *buf = NULL, *nb;
	size_t len = 0, cap = 0, n;

	if (f == NULL) {
		fprintf(stderr, "threadsctl: %s: %s\n", path, strerror(errno));
		return NULL;
	}
	for (;;) {
		if (cap - len < 65536) {
			cap = cap > 0 ? cap * 2 : 1 << 20;
			if (cap > IMPORT_FILE_MAX + 65536 ||
			    (nb = realloc(buf, cap + 1)) == NULL) {
				fprintf(stderr, "threadsctl: %s: too large\n",
				    path);
				goto fail;
			}
			buf = nb;
		}
		if ((n = fread(buf + len, 1, cap - len, f)) == 0)
			break;
		len += n;
	}
	if (ferror(f)) {
		fprintf(stderr, "threadsctl: %s: %s\n", path, strerror(errno));
		goto fail;
	}
	if (f != stdin)
		fclose(f);
	buf[len] = '\0';
	*ret_len = len;
	return buf;
fail:
	if (f != stdin)
		fclose(f);
	free(buf);
	return NULL;
}

/* JSON lines: one object a line; blank lines skipped. */
static void
parse_jsonl(char *buf, struct rows *rs)
{
	struct json_object *o;
	char *p, *nl;
	long line = 0;

	for (p = buf; p != NULL && *p != '\0'; p = nl != NULL ? nl + 1 : NULL) {
		line++;
		if ((nl = strchr(p, '\n')) != NULL)
			*nl = '\0';
		if (p[strspn(p, " \t\r")] == '\0')
			continue;
		o = json_tokener_parse(p);
		if (o == NULL || !json_object_is_type(o, json_type_object)) {
			json_object_put(o);
			local_problem(rs, line, "not a JSON object");
			continue;
		}
		add_row(rs, line, o);
	}
}

/*
 * One CSV field (RFC 4180: quotes around, "" for a quote, newlines inside
 * quotes) from *pp; *pp is left after its comma or at the end of its
 * record (*ret_end set).  Newlines inside are counted into *line.
 */
static char *
csv_field(char **pp, int *ret_end, long *line, int *ret_bad)
{
	char *p = *pp, *out = *pp, *start = *pp;

	*ret_end = 0;
	if (*p == '"') {
		for (p++;; p++) {
			if (*p == '\0') {
				*ret_bad = 1;
				break;
			}
			if (*p == '"') {
				if (p[1] != '"') {
					p++;
					break;
				}
				p++;
			} else if (*p == '\n')
				(*line)++;
			*out++ = *p;
		}
		if (*p == '\r')
			p++;
		if (*p != ',' && *p != '\n' && *p != '\0')
			*ret_bad = 1;
	} else {
		for (; *p != ',' && *p != '\n' && *p != '\0'; p++)
			if (*p != '\r' || (p[1] != '\n' && p[1] != '\0'))
				*out++ = *p;
	}
	if (*p == ',')
		p++;
	else {
		*ret_end = 1;
		if (*p == '\n')
			p++;
	}
	*out = '\0';
	*pp = p;
	return start;
}

static struct json_object *
csv_value(const char *column, const char *v)
{
	struct json_object *arr, *item;
	const char *p, *bar;

	if (in(bool_columns, column))
		return json_object_new_boolean(strcmp(v, "true") == 0 ||
		    strcmp(v, "1") == 0 || strcmp(v, "yes") == 0);
	if (!in(list_columns, column))
		return json_object_new_string(v);
	arr = json_object_new_array();
	for (p = v; *p != '\0'; p = *bar != '\0' ? bar + 1 : bar) {
		bar = p + strcspn(p, "|");
		if (strcmp(column, "images") == 0 ||
		    strcmp(column, "videos") == 0) {
			item = json_object_new_object();
			json_object_object_add(item, "url",
			    json_object_new_string_len(p, (int)(bar - p)));
		} else
			item = json_object_new_string_len(p, (int)(bar - p));
		json_object_array_add(arr, item);
	}
	return arr;
}

/* CSV with a header naming the columns; an empty cell is no value. */
static void
parse_csv(char *buf, struct rows *rs)
{
	char *cols[COLUMNS_MAX], *p = buf, *f;
	struct json_object *o;
	size_t ncols = 0, i;
	long line = 1, start;
	int end = 0, bad = 0;

	while (!end && ncols < COLUMNS_MAX) {
		f = csv_field(&p, &end, &line, &bad);
		cols[ncols++] = f;
	}
	if (bad || !end) {
		local_problem(rs, 1, "the CSV header is not one line of at most "
		    "64 column names");
		return;
	}
	while (*p != '\0') {
		start = ++line;
		if (p[strspn(p, " \t\r")] == '\n') {
			p += strcspn(p, "\n") + 1;
			continue;
		}
		o = json_object_new_object();
		bad = 0;
		for (i = 0, end = 0; !end; i++) {
			f = csv_field(&p, &end, &line, &bad);
			if (i >= ncols) {
				bad = 1;
				continue;
			}
			if (*f != '\0')
				json_object_object_add(o, cols[i],
				    csv_value(cols[i], f));
		}
		if (bad) {
			json_object_put(o);
			local_problem(rs, start, i > ncols ? "more cells than "
			    "the header has columns" : "a quote is not closed "
			    "where it should be");
			continue;
		}
		add_row(rs, start, o);
	}
}

struct chunk_state {
	char	 session[64];
	size_t	 bad;
	int	 done;
	struct json_object *final;
};

static struct chunk_state cs;

static void
print_errors(struct json_object *res)
{
	struct json_object *errs, *e, *v;
	size_t i, n;

	if (!json_object_object_get_ex(res, "errors", &errs))
		return;
	n = json_object_array_length(errs);
	for (i = 0; i < n; i++) {
		e = json_object_array_get_idx(errs, i);
		json_object_object_get_ex(e, "line", &v);
		fprintf(stderr, "threadsctl: line %" PRId64 ": ",
		    json_object_get_int64(v));
		json_object_object_get_ex(e, "error", &v);
		fprintf(stderr, "%s\n", json_object_get_string(v));
	}
}

static void
chunk_done(struct ctl *ctl, struct json_object *res)
{
	struct json_object *v;

	(void)ctl;
	if (json_object_object_get_ex(res, "session", &v))
		snprintf(cs.session, sizeof(cs.session), "%s",
		    json_object_get_string(v));
	if (json_object_object_get_ex(res, "bad", &v))
		cs.bad = (size_t)json_object_get_int64(v);
	print_errors(res);
}

static void
final_done(struct ctl *ctl, struct json_object *res)
{
	struct json_object *v, *w;
	char msg[160];

	print_errors(res);
	if (json_object_object_get_ex(res, "would_queue", &v))
		snprintf(msg, sizeof(msg), "%" PRId64 " rows are good; "
		    "nothing queued (--dry-run)", json_object_get_int64(v));
	else if (json_object_object_get_ex(res, "first", &v) &&
	    json_object_object_get_ex(res, "last", &w))
		snprintf(msg, sizeof(msg), "queued %" PRId64 " posts (%s to "
		    "%s)", json_object_get_int64(json_object_object_get(res,
		    "queued")), json_object_get_string(v),
		    json_object_get_string(w));
	else
		snprintf(msg, sizeof(msg), "nothing to queue");
	ctl->out->done(res, msg);
}

/*
 * Sends the rows in chunks, then an empty final one that commits: every
 * chunk's problems are printed before the verdict.
 */
static int
send_rows(struct ctl *ctl, struct rows *rs, int dry_run)
{
	struct json_object *args, *chunk, *row;
	size_t i = 0, n = json_object_array_length(rs->v), bytes;
	int tty = isatty(STDERR_FILENO) && !ctl->json, r = 0, last = 0;

	memset(&cs, 0, sizeof(cs));
	while (!last) {
		chunk = json_object_new_array();
		for (bytes = 0; i < n && bytes < CHUNK_BYTES; i++) {
			row = json_object_array_get_idx(rs->v, i);
			bytes += strlen(json_object_to_json_string_ext(row,
			    JSON_C_TO_STRING_PLAIN)) + 1;
			json_object_array_add(chunk, json_object_get(row));
		}
		last = json_object_array_length(chunk) == 0;
		args = json_object_new_object();
		if (cs.session[0] != '\0')
			json_object_object_add(args, "session",
			    json_object_new_string(cs.session));
		json_object_object_add(args, "rows", chunk);
		if (last)
			json_object_object_add(args, "final",
			    json_object_new_boolean(1));
		if (last && dry_run)
			json_object_object_add(args, "dry_run",
			    json_object_new_boolean(1));
		if (tty && !last)
			fprintf(stderr, "\rthreadsctl: %zu of %zu rows checked",
			    i, n);
		if (tty && last && n > 0)
			fprintf(stderr, "\n");
		r = ctl_call(ctl, "post.import", args, last ? final_done :
		    chunk_done);
		if (r != 0)
			break;
	}
	return r;
}

int
cmd_import(struct ctl *ctl, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "dry-run", no_argument, NULL, 'n' },
		{ NULL, 0, NULL, 0 }
	};
	struct rows rs = { NULL, 0 };
	char *buf;
	size_t len;
	int ch, dry_run = 0, r;

	while ((ch = ctl_getopt(ctl, argc, argv, "", opts)) != -1) {
		if (ch != 'n')
			return EXIT_USAGE;
		dry_run = 1;
	}
	if (optind == argc)
		return ctl_usage_error(ctl, "import needs FILE");
	if (optind != argc - 1)
		return ctl_usage_error(ctl, "unexpected argument '%s'",
		    argv[optind + 1]);
	if ((buf = read_all(argv[optind], &len)) == NULL)
		return EXIT_USAGE;
	if (memchr(buf, '\0', len) != NULL) {
		free(buf);
		return ctl_usage_error(ctl, "%s: contains a NUL byte",
		    argv[optind]);
	}
	rs.v = json_object_new_array();
	if (buf[strspn(buf, " \t\r\n")] == '{')
		parse_jsonl(buf, &rs);
	else
		parse_csv(buf, &rs);
	/* The rows hold their own copies: the buffer can go. */
	free(buf);
	if (rs.bad > 0) {
		fprintf(stderr, "threadsctl: %zu rows could not be read: "
		    "nothing was queued\n", rs.bad);
		json_object_put(rs.v);
		return EXIT_REFUSED;
	}
	r = send_rows(ctl, &rs, dry_run);
	json_object_put(rs.v);
	return r;
}

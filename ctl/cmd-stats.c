/*
 * threadsctl's statistics commands: stats, poll and metrics.  Each sends
 * one request and hands the result to the printer; the history, the
 * changes and the exposition are the daemon's.
 */
#include <getopt.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "client.h"
#include "ctl.h"

static void
show_stats(struct ctl *ctl, struct json_object *res)
{
	ctl->out->stats(res);
}

int
cmd_stats(struct ctl *ctl, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "since", required_argument, NULL, 's' },
		{ "metric", required_argument, NULL, 'm' },
		{ "csv", no_argument, NULL, 'c' },
		{ NULL, 0, NULL, 0 }
	};
	struct json_object *args;
	const char *since = NULL, *metric = NULL;
	int ch, as_csv = 0;

	while ((ch = ctl_getopt(ctl, argc, argv, "", opts)) != -1) {
		switch (ch) {
		case 's':
			since = optarg;
			if (ctl_check_since(ctl, "--since", since) != 0)
				return EXIT_USAGE;
			break;
		case 'm':
			metric = optarg;
			if (!output_stats_metric_known(metric))
				return ctl_usage_error(ctl, "--metric: '%.64s' "
				    "is not a metric (followers, views, likes, "
				    "replies, reposts, quotes, clicks, posts or "
				    "all)", metric);
			break;
		case 'c':
			as_csv = 1;
			break;
		default:
			return EXIT_USAGE;
		}
	}
	output_stats_options(metric, as_csv);
	if (optind == argc)
		return ctl_usage_error(ctl, "stats needs ACCOUNT");
	if (optind != argc - 1)
		return ctl_usage_error(ctl, "unexpected argument '%s'",
		    argv[optind + 1]);
	args = json_object_new_object();
	json_object_object_add(args, "account",
	    json_object_new_string(argv[optind]));
	if (since != NULL)
		json_object_object_add(args, "since",
		    json_object_new_string(since));
	return ctl_call(ctl, "stats.get", args, show_stats);
}

static void
show_polled(struct ctl *ctl, struct json_object *res)
{
	struct json_object *msg;

	json_object_object_get_ex(res, "message", &msg);
	ctl->out->done(res, json_object_get_string(msg));
}

int
cmd_poll(struct ctl *ctl, int argc, char **argv)
{
	struct json_object *args;

	(void)argc;
	if (isatty(STDERR_FILENO) && !ctl->json)
		fprintf(stderr, "polling '%s'...\n", argv[1]);
	args = json_object_new_object();
	json_object_object_add(args, "account",
	    json_object_new_string(argv[1]));
	return ctl_call(ctl, "account.poll", args, show_polled);
}

static void
show_metrics(struct ctl *ctl, struct json_object *res)
{
	ctl->out->metrics(res);
}

int
cmd_metrics(struct ctl *ctl, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "format", required_argument, NULL, 'f' },
		{ NULL, 0, NULL, 0 }
	};
	struct json_object *args = NULL;
	const char *format = NULL;
	int ch;

	while ((ch = ctl_getopt(ctl, argc, argv, "", opts)) != -1) {
		switch (ch) {
		case 'f':
			format = optarg;
			if (strcmp(format, "openmetrics") != 0 &&
			    strcmp(format, "prometheus") != 0)
				return ctl_usage_error(ctl, "--format: '%.64s' "
				    "is neither openmetrics nor prometheus",
				    format);
			break;
		default:
			return EXIT_USAGE;
		}
	}
	if (optind != argc)
		return ctl_usage_error(ctl, "unexpected argument '%s'",
		    argv[optind]);
	if (format != NULL) {
		args = json_object_new_object();
		json_object_object_add(args, "format",
		    json_object_new_string(format));
	}
	return ctl_call(ctl, "metrics", args, show_metrics);
}

/*
 * threadsctl's statistics commands: stats, poll and metrics.  Each sends
 * one request and hands the result to the printer; the history, the
 * changes and the exposition are the daemon's.
 */
#include <getopt.h>
#include <stdio.h>
#include <string.h>

#include "client.h"
#include "ctl.h"

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
	if (ctl_operands(ctl, argc, argv, 1, "stats needs ACCOUNT") != 0)
		return EXIT_USAGE;
	args = ctl_args("account", argv[optind]);
	ctl_add_str(args, "since", since);
	return ctl_call_print(ctl, "stats.get", args, ctl->out->stats);
}

int
cmd_poll(struct ctl *ctl, int argc, char **argv)
{
	(void)argc;
	return ctl_call_wait(ctl, "account.poll", argv[1], "polling");
}

int
cmd_metrics(struct ctl *ctl, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "format", required_argument, NULL, 'f' },
		{ NULL, 0, NULL, 0 }
	};
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
	if (ctl_operands(ctl, argc, argv, 0, NULL) != 0)
		return EXIT_USAGE;
	return ctl_call_print(ctl, "metrics", format != NULL ?
	    ctl_args("format", format) : NULL, ctl->out->metrics);
}

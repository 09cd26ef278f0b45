/*
 * threadsctl's account commands: add-account, accounts, show,
 * remove-account, export, refresh.  Each builds one request (two for the
 * interactive add-account) and hands the result to the printer.
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "client.h"
#include "ctl.h"

#define TOKEN_MAX	8192

/* Reads one line (the token or the redirect URL) from f, trimmed. */
static char *
read_line(FILE *f, size_t max)
{
	char *buf;
	size_t len;

	if ((buf = malloc(max + 2)) == NULL)
		return NULL;
	if (fgets(buf, (int)max + 2, f) == NULL) {
		free(buf);
		return NULL;
	}
	len = strlen(buf);
	if (len > max) {
		explicit_bzero(buf, len);
		free(buf);
		return NULL;
	}
	while (len > 0 && (buf[len - 1] == '\n' || buf[len - 1] == '\r' ||
	    buf[len - 1] == ' '))
		buf[--len] = '\0';
	return buf;
}

static void
show_url(struct ctl *ctl, struct json_object *res)
{
	struct json_object *url;

	if (ctl->json) {
		ctl->out->done(res, NULL);
		return;
	}
	if (json_object_object_get_ex(res, "url", &url))
		printf("%s\n", json_object_get_string(url));
}

static char *interactive_url;

static void
keep_url(struct ctl *ctl, struct json_object *res)
{
	struct json_object *url;

	(void)ctl;
	if (json_object_object_get_ex(res, "url", &url))
		interactive_url = strdup(json_object_get_string(url));
}

/* No option: print the URL, then read back where the browser went. */
static int
add_interactive(struct ctl *ctl)
{
	struct json_object *args;
	char *line;
	int r;

	if ((r = ctl_call(ctl, "account.auth_url", NULL, keep_url)) != 0)
		return r;
	if (interactive_url == NULL)
		return EXIT_REFUSED;
	fprintf(stderr,
	    "1. Open this URL in a browser where the Threads account is "
	    "logged in,\n   and approve the permissions:\n\n%s\n\n"
	    "2. The browser is then sent to the redirect URI (the page may "
	    "fail to load:\n   that is fine). Paste the whole address it "
	    "was sent to here (or, if\n   Meta showed an error instead, "
	    "that error) and press Enter:\n", interactive_url);
	free(interactive_url);
	interactive_url = NULL;
	if ((line = read_line(stdin, 65536)) == NULL || line[0] == '\0') {
		free(line);
		return ctl_usage_error(ctl, "no URL given");
	}
	args = ctl_args("redirect_url", line);
	explicit_bzero(line, strlen(line));
	free(line);
	return ctl_call_print(ctl, "account.add", args, ctl->out->added);
}

int
cmd_add_account(struct ctl *ctl, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "print-url", no_argument, NULL, 'p' },
		{ "redirect-url", required_argument, NULL, 'r' },
		{ "code", required_argument, NULL, 'c' },
		{ "token-stdin", no_argument, NULL, 't' },
		{ NULL, 0, NULL, 0 }
	};
	const char *redirect = NULL, *code = NULL;
	struct json_object *args;
	char *token;
	int ch, print = 0, from_stdin = 0;

	while ((ch = ctl_getopt(ctl, argc, argv, "", opts)) != -1) {
		switch (ch) {
		case 'p':
			print = 1;
			break;
		case 'r':
			redirect = optarg;
			break;
		case 'c':
			code = optarg;
			break;
		case 't':
			from_stdin = 1;
			break;
		default:
			return EXIT_USAGE;
		}
	}
	if (ctl_operands(ctl, argc, argv, 0, NULL) != 0)
		return EXIT_USAGE;
	if (print + (redirect != NULL) + (code != NULL) + from_stdin > 1)
		return ctl_usage_error(ctl, "add-account takes at most one of "
		    "--print-url, --redirect-url, --code, --token-stdin");
	if (print)
		return ctl_call(ctl, "account.auth_url", NULL, show_url);
	if (redirect == NULL && code == NULL && !from_stdin)
		return add_interactive(ctl);
	args = json_object_new_object();
	/* "-": read it from stdin, so the code is on no command line. */
	if ((redirect != NULL && strcmp(redirect, "-") == 0) ||
	    (code != NULL && strcmp(code, "-") == 0)) {
		if ((token = read_line(stdin, 65536)) == NULL ||
		    token[0] == '\0') {
			free(token);
			json_object_put(args);
			return ctl_usage_error(ctl, "%s -: nothing on "
			    "standard input", redirect != NULL ?
			    "--redirect-url" : "--code");
		}
		ctl_add_str(args, redirect ? "redirect_url" : "code", token);
		explicit_bzero(token, strlen(token));
		free(token);
	} else if (redirect != NULL)
		ctl_add_str(args, "redirect_url", redirect);
	else if (code != NULL)
		ctl_add_str(args, "code", code);
	else {
		if (isatty(STDIN_FILENO))
			fprintf(stderr, "Paste the long-lived token and press "
			    "Enter:\n");
		if ((token = read_line(stdin, TOKEN_MAX)) == NULL ||
		    token[0] == '\0') {
			free(token);
			json_object_put(args);
			return ctl_usage_error(ctl, "--token-stdin: no token on "
			    "standard input (one line, at most %d bytes)",
			    TOKEN_MAX);
		}
		ctl_add_str(args, "token", token);
		explicit_bzero(token, strlen(token));
		free(token);
	}
	return ctl_call_print(ctl, "account.add", args, ctl->out->added);
}

int
cmd_accounts(struct ctl *ctl, int argc, char **argv)
{
	(void)argc;
	(void)argv;
	return ctl_call_print(ctl, "account.list", NULL, ctl->out->accounts);
}

int
cmd_show(struct ctl *ctl, int argc, char **argv)
{
	(void)argc;
	return ctl_call_print(ctl, "account.show", ctl_args("account",
	    argv[1]), ctl->out->account);
}

static void
show_removed(struct ctl *ctl, struct json_object *res)
{
	struct json_object *name;
	char msg[256];

	json_object_object_get_ex(res, "removed", &name);
	snprintf(msg, sizeof(msg), "removed '%s': its token, metric history "
	    "and posts are erased", json_object_get_string(name));
	ctl->out->done(res, msg);
}

int
cmd_remove_account(struct ctl *ctl, int argc, char **argv)
{
	const char *account;
	int yes, r;

	if (ctl_yes_operand(ctl, argc, argv, "remove-account needs ACCOUNT",
	    &yes) != 0)
		return EXIT_USAGE;
	account = argv[optind];
	if (!yes) {
		if (!isatty(STDIN_FILENO)) {
			return ctl_usage_error(ctl, "not on a terminal: pass "
			    "--yes to remove '%s'", account);
		}
		if ((r = ctl_confirm("not removed", "Remove account '%s' and "
		    "erase its token, metric history and queued posts?",
		    account)) != 0)
			return r;
	}
	return ctl_call(ctl, "account.remove", ctl_args("account", account),
	    show_removed);
}

static void
show_export(struct ctl *ctl, struct json_object *res)
{
	/* An export is JSON for people and programs alike. */
	output_json.done(res, NULL);
	(void)ctl;
}

int
cmd_export(struct ctl *ctl, int argc, char **argv)
{
	(void)argc;
	return ctl_call(ctl, "account.export", ctl_args("account", argv[1]),
	    show_export);
}

int
cmd_refresh(struct ctl *ctl, int argc, char **argv)
{
	(void)argc;
	return ctl_call_wait(ctl, "account.refresh", argv[1],
	    "refreshing the token of");
}

/*
 * threadsctl's two printers behind one interface: tables for people, and
 * the daemon's result unchanged for --json.  Commands call the printer's
 * hook for what they got; they never format output themselves.
 */
#ifndef THREADSCTL_OUTPUT_H
#define THREADSCTL_OUTPUT_H

#include <json-c/json.h>

struct output {
	void	(*status)(struct json_object *result);
	void	(*accounts)(struct json_object *result);
	void	(*account)(struct json_object *result);
	void	(*added)(struct json_object *result);
	/* A command that only succeeded: what says what happened. */
	void	(*done)(struct json_object *result, const char *what);
};

extern const struct output output_human;
extern const struct output output_json;

#endif

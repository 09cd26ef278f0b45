/*
 * calendar for people: one line a day, a column of counts per account,
 * "." for none so that gaps show, and a bar of the day's total so that
 * clusters do.
 */
#include <stdio.h>
#include <string.h>

#include "output.h"

#define BAR_MAX	40

void
output_human_calendar(struct json_object *res)
{
	struct json_object *accts, *days, *d, *per, *v;
	size_t i, k, na, nd, w[64];
	int64_t n, total, max = 0;
	char bar[BAR_MAX + 1];

	if (!json_object_object_get_ex(res, "accounts", &accts) ||
	    !json_object_object_get_ex(res, "days", &days))
		return;
	na = json_object_array_length(accts);
	nd = json_object_array_length(days);
	if (na > sizeof(w) / sizeof(w[0]))
		na = sizeof(w) / sizeof(w[0]);	/* --account for the rest */
	printf("%-14s", "DAY");
	for (i = 0; i < na; i++) {
		w[i] = strlen(json_object_get_string(
		    json_object_array_get_idx(accts, i)));
		if (w[i] < 3)
			w[i] = 3;
		printf("  %*s", (int)w[i], json_object_get_string(
		    json_object_array_get_idx(accts, i)));
	}
	printf("  %5s\n", "TOTAL");
	for (k = 0; k < nd; k++) {
		d = json_object_array_get_idx(days, k);
		if (json_object_object_get_ex(d, "total", &v) &&
		    json_object_get_int64(v) > max)
			max = json_object_get_int64(v);
	}
	for (k = 0; k < nd; k++) {
		d = json_object_array_get_idx(days, k);
		printf("%s %-10s", output_dash(output_field(d, "weekday")),
		    output_dash(output_field(d, "date")));
		json_object_object_get_ex(d, "accounts", &per);
		for (i = 0; i < na; i++) {
			n = 0;
			if (json_object_object_get_ex(per,
			    json_object_get_string(json_object_array_get_idx(
			    accts, i)), &v))
				n = json_object_get_int64(v);
			if (n > 0)
				printf("  %*lld", (int)w[i], (long long)n);
			else
				printf("  %*s", (int)w[i], ".");
		}
		total = json_object_object_get_ex(d, "total", &v) ?
		    json_object_get_int64(v) : 0;
		n = max > BAR_MAX ? (total * BAR_MAX + max - 1) / max : total;
		memset(bar, '#', (size_t)n);
		bar[n] = '\0';
		if (total > 0)
			printf("  %5lld %s\n", (long long)total, bar);
		else
			printf("  %5s\n", ".");
	}
}

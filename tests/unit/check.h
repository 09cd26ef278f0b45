/*
 * A few macros for unit tests: each CHECK prints the failing expression
 * with its file and line and marks the test failed; main() returns
 * check_status().  Nothing else: a unit test is a plain C program.
 */
#ifndef THREADSD_CHECK_H
#define THREADSD_CHECK_H

#include <stdio.h>
#include <string.h>

static int check_failures;
static int check_count;

#define CHECK(expr) do {						\
	check_count++;							\
	if (!(expr)) {							\
		fprintf(stderr, "%s:%d: CHECK failed: %s\n",		\
		    __FILE__, __LINE__, #expr);				\
		check_failures++;					\
	}								\
} while (0)

#define CHECK_INT(a, b) do {						\
	long long check_a_ = (a), check_b_ = (b);			\
	check_count++;							\
	if (check_a_ != check_b_) {					\
		fprintf(stderr, "%s:%d: %s == %lld, expected %lld\n",	\
		    __FILE__, __LINE__, #a, check_a_, check_b_);	\
		check_failures++;					\
	}								\
} while (0)

#define CHECK_STR(a, b) do {						\
	const char *check_a_ = (a), *check_b_ = (b);			\
	check_count++;							\
	if (check_a_ == NULL || check_b_ == NULL ||			\
	    strcmp(check_a_, check_b_) != 0) {				\
		fprintf(stderr, "%s:%d: %s == \"%s\", expected \"%s\"\n",\
		    __FILE__, __LINE__, #a,				\
		    check_a_ ? check_a_ : "(null)",			\
		    check_b_ ? check_b_ : "(null)");			\
		check_failures++;					\
	}								\
} while (0)

static inline int
check_status(void)
{
	fprintf(stderr, "%d checks, %d failed\n", check_count, check_failures);
	return check_failures == 0 ? 0 : 1;
}

#endif

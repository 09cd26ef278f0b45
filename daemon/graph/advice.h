/*
 * What to change when Meta refuses the app's setup: the errors people
 * hit while connecting an account (a Meta app id where the Threads one
 * belongs, a redirect URI Meta does not know, an app not in Live mode, a
 * wrong app secret), each turned into one sentence naming the setting.
 * Pure: a table and a lookup.
 */
#ifndef THREADSD_ADVICE_H
#define THREADSD_ADVICE_H

/*
 * The advice for Meta's error (code, subcode or error_code, message), or
 * NULL when it is not one of these.
 */
const char	*advice_for(int code, int subcode, const char *message);

#endif

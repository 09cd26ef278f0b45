/*
 * The advice table.  Meta documents none of these errors; each row
 * matches what users report (a code, or words of the message: codes
 * differ between the authorization window and the API) and names the
 * setting to change and where Meta shows the right value: App Dashboard
 * -> Use cases -> Access the Threads API -> Settings (D-uc).
 */
#include <stddef.h>
#include <string.h>
#include <strings.h>

#include "daemon/graph/advice.h"

#define SETTINGS	"App Dashboard -> Use cases -> Access the Threads " \
			"API -> Settings"

static const char advice_app_id[] = "[api] app_id must be the Threads App "
    "ID, not the Meta (Facebook) app ID: copy it from " SETTINGS;
static const char advice_redirect[] = "[api] redirect_uri must be exactly "
    "one of the Redirect Callback URLs in " SETTINGS " (mind a trailing "
    "slash), then run 'threadsctl add-account' again";
static const char advice_live[] = "the app is not in Live mode: switch it "
    "to Live in the App Dashboard, or add this Threads account as a "
    "Threads tester (App roles -> Roles) and accept the invitation in the "
    "Threads app (Settings -> Account -> Website permissions -> Invites)";
static const char advice_secret[] = "the app secret (the app-secret "
    "credential or [api] app_secret_file) must be the Threads app secret "
    "that goes with the Threads App ID: copy it from " SETTINGS;

static const struct {
	int		 code;		/* code, subcode or error_code; 0: any */
	const char	*words;		/* in the message; NULL: code only */
	const char	*advice;
} advice_table[] = {
	/* A Facebook app id: "No app ID was provided in the request." */
	{ 4476002, NULL,			advice_app_id },
	{ 101, NULL,				advice_app_id },
	{ 0, "No app ID",			advice_app_id },
	{ 0, "Invalid application ID",		advice_app_id },
	/* A redirect URI the app has not registered. */
	{ 1349026, NULL,			advice_redirect },
	{ 0, "redirect_uri",			advice_redirect },
	{ 0, "redirect URI",			advice_redirect },
	/* Development mode, and a user who is not one of its testers. */
	{ 0, "developer role",			advice_live },
	{ 0, "invite to test",			advice_live },
	{ 0, "not live",			advice_live },
	{ 0, "App not active",			advice_live },
	/* The Meta app's secret where the Threads one belongs. */
	{ 0, "client secret",			advice_secret },
	{ 0, NULL, NULL }
};

const char *
advice_for(int code, int subcode, const char *message)
{
	size_t	 i, n;
	const char *p;

	for (i = 0; advice_table[i].advice != NULL; i++) {
		if (advice_table[i].words == NULL) {
			if (advice_table[i].code == code ||
			    advice_table[i].code == subcode)
				return advice_table[i].advice;
			continue;
		}
		if (message == NULL)
			continue;
		n = strlen(advice_table[i].words);
		for (p = message; *p != '\0'; p++)
			if (strncasecmp(p, advice_table[i].words, n) == 0)
				return advice_table[i].advice;
	}
	return NULL;
}

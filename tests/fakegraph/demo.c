/*
 * demo: create the user 'demo' ("Demo Account") with followers, insight
 * counters and three posts, for the demo and manual runs.
 *
 * It owns nothing; the store and media.c keep what it makes.
 */
#include "clock.h"
#include "demo.h"
#include "media.h"
#include "store.h"

int
demo_seed(void)
{
	static const char *const texts[] = {
		"Hello from threadsd's fake Graph API.",
		"Scheduling posts from a systemd service: https://example.com/",
		"Third post. Metrics should show up in 'threadsctl stats'.",
	};
	struct fgmedia	*m;
	struct fguser	*u;
	int64_t		 now = fgclock_now();
	int		 i, r;

	if ((r = store_user_add("demo", 0, &u)) < 0)
		return r;
	if ((r = store_set_str(&u->name, "Demo Account")) < 0 ||
	    (r = store_set_str(&u->biography, "Posting via threadsd.")) < 0 ||
	    (r = store_set_str(&u->picture,
	    "https://scontent.example.net/v/demo-profile.jpg")) < 0)
		return r;
	u->followers = 1234;
	u->views = 87;
	u->likes = 42;
	u->replies = 7;
	u->reposts = 3;
	u->quotes = 1;
	u->clicks = 12;
	for (i = 0; i < 3; i++) {
		if ((r = media_seed(u, texts[i], now - (3 - i) * 86400,
		    &m)) < 0)
			return r;
		m->likes = 10 * (i + 1);
		m->views = 100 * (i + 1);
	}
	return 0;
}

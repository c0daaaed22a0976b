/*
 * masto/tokens.c - the accounts that bearer tokens speak for, kept a few
 * seconds in memory: an app polling a timeline sends its token with every
 * request, and reading it from the store each time cost four in ten of
 * the requests a cached timeline page could serve. A token revoked through
 * this server is forgotten at once; one revoked or an account disabled by
 * another process (the command line) is refused after at most
 * TOKEN_CACHE_SECONDS. A change of any account's name shown or note
 * (api/profile.c) forgets them all. Keys are the tokens' SHA-256, never
 * the tokens.
 */
#include <pthread.h>
#include <string.h>
#include <time.h>

#include "api/cache.h"
#include "auth/auth.h"
#include "masto/masto.h"

#define TOKEN_CACHE_SECONDS 5
#define SLOTS               1024

struct cached {
    unsigned char hash[AUTH_SECRET_HASH];
    time_t until;      /* 0: free */
    uint64_t accounts; /* cache_accounts_generation() when kept */
    int64_t id;
    char username[64], display_name[128], role[16], created_at[40], note[512];
    char scopes[AUTH_SCOPES_MAX];
};

static struct cached table[SLOTS];
static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;

static struct cached *
slot_of(const unsigned char hash[AUTH_SECRET_HASH])
{
    return &table[(hash[0] | (unsigned)hash[1] << 8) % SLOTS];
}

bool
masto_token_cached(struct arena *ar, const unsigned char hash[AUTH_SECRET_HASH],
                   struct account *acc, const char **scopes)
{
    struct cached *c = slot_of(hash), copy;
    bool hit;

    pthread_mutex_lock(&lock);
    hit = c->until > time(NULL) && c->accounts == cache_accounts_generation() &&
          memcmp(c->hash, hash, AUTH_SECRET_HASH) == 0;
    if (hit)
        copy = *c;
    pthread_mutex_unlock(&lock);
    if (!hit)
        return false;
    memset(acc, 0, sizeof(*acc));
    acc->id = copy.id;
    acc->username = arena_strndup(ar, copy.username, strlen(copy.username));
    acc->display_name = arena_strndup(ar, copy.display_name, strlen(copy.display_name));
    acc->role = arena_strndup(ar, copy.role, strlen(copy.role));
    acc->created_at = arena_strndup(ar, copy.created_at, strlen(copy.created_at));
    acc->note = arena_strndup(ar, copy.note, strlen(copy.note));
    acc->password_hash = "";
    *scopes = arena_strndup(ar, copy.scopes, strlen(copy.scopes));
    return acc->username != NULL && acc->display_name != NULL && acc->role != NULL &&
           acc->created_at != NULL && acc->note != NULL && *scopes != NULL;
}

void
masto_token_keep(const unsigned char hash[AUTH_SECRET_HASH], const struct account *acc,
                 const char *scopes, uint64_t accounts)
{
    struct cached *c = slot_of(hash);

    /* only what fits whole: a longer value is read from the store each time */
    if (strlen(acc->username) >= sizeof(c->username) || acc->display_name == NULL ||
        strlen(acc->display_name) >= sizeof(c->display_name) ||
        strlen(acc->role) >= sizeof(c->role) || acc->created_at == NULL ||
        strlen(acc->created_at) >= sizeof(c->created_at) || acc->note == NULL ||
        strlen(acc->note) >= sizeof(c->note) || strlen(scopes) >= sizeof(c->scopes))
        return;
    pthread_mutex_lock(&lock);
    memcpy(c->hash, hash, AUTH_SECRET_HASH);
    c->id = acc->id;
    c->accounts = accounts;
    strcpy(c->username, acc->username);
    strcpy(c->display_name, acc->display_name);
    strcpy(c->role, acc->role);
    strcpy(c->created_at, acc->created_at);
    strcpy(c->note, acc->note);
    strcpy(c->scopes, scopes);
    c->until = time(NULL) + TOKEN_CACHE_SECONDS;
    pthread_mutex_unlock(&lock);
}

void
masto_token_forget(const unsigned char hash[AUTH_SECRET_HASH])
{
    struct cached *c = slot_of(hash);

    pthread_mutex_lock(&lock);
    if (memcmp(c->hash, hash, AUTH_SECRET_HASH) == 0)
        c->until = 0;
    pthread_mutex_unlock(&lock);
}

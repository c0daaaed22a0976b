/*
 * cli/serve.c - "gazouillis serve": opens the store (creating the first
 * admin of an empty one and printing its password once), starts the HTTP
 * server, and on SIGTERM or SIGINT serves no new connection, lets
 * requests in flight finish, checkpoints the database and exits 0.
 *
 * Signals are blocked before any thread starts, so only this thread, in
 * sigwait(), ever sees them: no handler runs in the middle of a request.
 */
#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>

#include "api/app.h"
#include "api/cache.h"
#include "api/comments.h"
#include "api/publisher.h"
#include "auth/auth.h"
#include "cli/cli.h"
#include "core/log.h"
#include "http/http.h"
#include "live/live.h"
#include "masto/masto.h"
#include "store/store.h"
#include "web/web.h"

#define STOP_TIMEOUT_MS 10000

static void
serve_usage(FILE *f)
{
    fputs("usage: gazouillis serve [--listen HOST:PORT] [--data DIR] [--public-url URL]\n"
          "                        [--threads N] [--max-streams-per-address N]\n"
          "                        [--max-connections-per-address N]\n"
          "                        [--stream-keepalive SECONDS]\n"
          "                        [--comments-per-address N] [--comments-per-account N]\n"
          "                        [--tls-cert FILE --tls-key FILE] [--api-rate-limit N]\n"
          "                        [--sync normal|full]\n"
          "  --listen      address to listen on (default 127.0.0.1:8080; port 0: any free one)\n"
          "  --data        data directory: gazouillis.db and media/ (default ./data)\n"
          "  --public-url  the address people use, for links and cookies\n"
          "                (default http://HOST:PORT)\n"
          "  --threads     worker threads (default: one per core)\n"
          "  --max-streams-per-address  live streams one client address may hold open\n"
          "                (default 2000: a venue's wifi puts a room behind one address)\n"
          "  --max-connections-per-address  HTTP connections one client address may hold\n"
          "                open, streams aside (default 4096); more are closed at once\n"
          "  --stream-keepalive  seconds between keep-alive comments on live streams\n"
          "                (default 15; lower it behind a proxy that closes idle connections)\n"
          "  --comments-per-address  comments one client address may post in 10 minutes\n"
          "                (default 30: a venue's wifi puts a room behind one address)\n"
          "  --comments-per-account  comments one account may post in 10 minutes (default 10)\n"
          "  --tls-cert, --tls-key  PEM files: serve HTTPS itself (for apps that insist on it\n"
          "                on a LAN); live streams then need a TLS proxy in front instead\n"
          "  --api-rate-limit  Mastodon API requests per token (or address) in 5 minutes\n"
          "                (default 300, as Mastodon)\n"
          "  --sync        when a commit is on disk: normal (default) survives the server being\n"
          "                killed; full also survives a power loss (an fsync per commit)\n",
          f);
}

/* A PEM file, whole, NUL-terminated (malloc'd); NULL with a message when unreadable. */
static char *
read_pem(const char *path)
{
    FILE *f = fopen(path, "rb");
    char *buf = NULL;
    size_t len = 0, cap = 0, n;

    if (f == NULL) {
        fprintf(stderr, "gazouillis serve: cannot read '%s': %s\n", path, strerror(errno));
        return NULL;
    }
    do {
        char *bigger;
        if (len + 4096 + 1 > cap) {
            cap = cap != 0 ? cap * 2 : 8192;
            if (cap > (1 << 20) || (bigger = realloc(buf, cap)) == NULL) {
                fprintf(stderr, "gazouillis serve: '%s' is too big for a PEM file\n", path);
                free(buf);
                fclose(f);
                return NULL;
            }
            buf = bigger;
        }
        n = fread(buf + len, 1, 4096, f);
        len += n;
    } while (n > 0);
    fclose(f);
    buf[len] = '\0';
    if (strstr(buf, "-----BEGIN ") == NULL) {
        fprintf(stderr, "gazouillis serve: '%s' is not a PEM file\n", path);
        free(buf);
        return NULL;
    }
    return buf;
}

/*
 * Every live stream holds a socket: the soft limit on open files (often
 * 1,024) goes up to the hard one, which the operator sets.
 */
static void
raise_open_files(void)
{
    struct rlimit rl;

    if (getrlimit(RLIMIT_NOFILE, &rl) != 0 || rl.rlim_cur == rl.rlim_max)
        return;
    rl.rlim_cur = rl.rlim_max;
    if (setrlimit(RLIMIT_NOFILE, &rl) != 0)
        log_warnx("cannot raise the open files limit: %s", strerror(errno));
}

/* http_config.on_stop: the streams end, so the requests in flight can. */
static void
end_streams(void *app)
{
    (void)app;
    live_close_all();
}

/* A whole number from 1 to max, or 0. */
static unsigned long
count_arg(const char *s, unsigned long max)
{
    char *end;
    unsigned long n;

    if (*s < '1' || *s > '9')
        return 0;
    errno = 0;
    n = strtoul(s, &end, 10);
    return *end != '\0' || errno != 0 || n > max ? 0 : n;
}

/* "HOST:PORT", ":PORT" or "PORT" into host (static or argv) and port. */
static int
parse_listen(const char *s, char *host, size_t host_size, unsigned *port)
{
    const char *colon = strrchr(s, ':');
    char *end;
    unsigned long p;

    if (colon == NULL) {
        snprintf(host, host_size, "127.0.0.1");
        colon = s - 1;
    } else if (colon == s) {
        snprintf(host, host_size, "127.0.0.1");
    } else if ((size_t)(colon - s) < host_size) {
        memcpy(host, s, (size_t)(colon - s));
        host[colon - s] = '\0';
    } else {
        return -1;
    }
    errno = 0;
    p = strtoul(colon + 1, &end, 10);
    if (colon[1] == '\0' || *end != '\0' || errno != 0 || p > 65535)
        return -1;
    *port = (unsigned)p;
    return 0;
}

int
cli_serve(int argc, char **argv)
{
    const char *listen = "127.0.0.1:8080", *data = "./data", *public_url = NULL;
    const char *tls_cert = NULL, *tls_key = NULL;
    char *cert_pem = NULL, *key_pem = NULL;
    char host[64], admin[64], password[128], url[256];
    unsigned port, threads = 0, per_address = 0;
    struct live_config live = {0};
    struct http_server *srv = NULL;
    struct route *routes = NULL;
    struct store *st = NULL;
    struct app app;
    sigset_t stop;
    bool created = false;
    int i, sig, status = CLI_EXIT_FAILURE;

    for (i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--help") == 0) {
            serve_usage(stdout);
            return CLI_EXIT_OK;
        } else if (i + 1 < argc && strcmp(argv[i], "--listen") == 0) {
            listen = argv[++i];
        } else if (i + 1 < argc && strcmp(argv[i], "--data") == 0) {
            data = argv[++i];
        } else if (i + 1 < argc && strcmp(argv[i], "--public-url") == 0) {
            public_url = argv[++i];
        } else if (i + 1 < argc && strcmp(argv[i], "--threads") == 0) {
            if ((threads = (unsigned)count_arg(argv[++i], 256)) == 0) {
                fprintf(stderr, "gazouillis serve: --threads takes a number from 1 to 256\n");
                return CLI_EXIT_USAGE;
            }
        } else if (i + 1 < argc && strcmp(argv[i], "--max-streams-per-address") == 0) {
            if ((live.max_streams_per_address = (unsigned)count_arg(argv[++i], 1000000)) == 0) {
                fprintf(stderr, "gazouillis serve: --max-streams-per-address takes a number "
                                "from 1 to 1000000\n");
                return CLI_EXIT_USAGE;
            }
        } else if (i + 1 < argc && strcmp(argv[i], "--max-connections-per-address") == 0) {
            if ((per_address = (unsigned)count_arg(argv[++i], 1000000)) == 0) {
                fprintf(stderr, "gazouillis serve: --max-connections-per-address takes a "
                                "number from 1 to 1000000\n");
                return CLI_EXIT_USAGE;
            }
        } else if (i + 1 < argc && (strcmp(argv[i], "--comments-per-address") == 0 ||
                                    strcmp(argv[i], "--comments-per-account") == 0)) {
            bool address = strcmp(argv[i], "--comments-per-address") == 0;
            unsigned long n = count_arg(argv[++i], 100000);
            if (n == 0) {
                fprintf(stderr, "gazouillis serve: %s takes a number from 1 to 100000\n",
                        argv[i - 1]);
                return CLI_EXIT_USAGE;
            }
            comments_set_limits(address ? (unsigned)n : 0, address ? 0 : (unsigned)n);
        } else if (i + 1 < argc && strcmp(argv[i], "--api-rate-limit") == 0) {
            unsigned long n = count_arg(argv[++i], 100000000);
            if (n == 0) {
                fprintf(stderr, "gazouillis serve: --api-rate-limit takes a number from 1 to "
                                "100000000\n");
                return CLI_EXIT_USAGE;
            }
            masto_rate_set_limit((unsigned)n);
        } else if (i + 1 < argc && strcmp(argv[i], "--sync") == 0) {
            if (strcmp(argv[++i], "normal") == 0) {
                store_set_sync(STORE_SYNC_NORMAL);
            } else if (strcmp(argv[i], "full") == 0) {
                store_set_sync(STORE_SYNC_FULL);
            } else {
                fprintf(stderr, "gazouillis serve: --sync takes normal or full\n");
                return CLI_EXIT_USAGE;
            }
        } else if (i + 1 < argc && strcmp(argv[i], "--tls-cert") == 0) {
            tls_cert = argv[++i];
        } else if (i + 1 < argc && strcmp(argv[i], "--tls-key") == 0) {
            tls_key = argv[++i];
        } else if (i + 1 < argc && strcmp(argv[i], "--stream-keepalive") == 0) {
            unsigned long secs = count_arg(argv[++i], 3600);
            if (secs == 0) {
                fprintf(stderr, "gazouillis serve: --stream-keepalive takes seconds, from 1 to "
                                "3600\n");
                return CLI_EXIT_USAGE;
            }
            live.keepalive_ms = (unsigned)secs * 1000;
        } else {
            fprintf(stderr, "gazouillis serve: unknown option '%s'\n", argv[i]);
            serve_usage(stderr);
            return CLI_EXIT_USAGE;
        }
    }
    if (parse_listen(listen, host, sizeof(host), &port) != 0) {
        fprintf(stderr, "gazouillis serve: '%s' is not HOST:PORT\n", listen);
        return CLI_EXIT_USAGE;
    }
    if (public_url != NULL && strncmp(public_url, "http://", 7) != 0 &&
        strncmp(public_url, "https://", 8) != 0) {
        fprintf(stderr, "gazouillis serve: --public-url must start with http:// or https://\n");
        return CLI_EXIT_USAGE;
    }

    /* Only this thread takes the stop signals, in sigwait() below. */
    sigemptyset(&stop);
    sigaddset(&stop, SIGINT);
    sigaddset(&stop, SIGTERM);
    pthread_sigmask(SIG_BLOCK, &stop, NULL);
    signal(SIGPIPE, SIG_IGN);
    raise_open_files();

    if (auth_init() != 0) {
        log_warnx("cannot initialise libsodium");
        goto out;
    }
    if (store_open(data, &st) != 0) {
        log_warnx("cannot open the store in '%s': %s", data, store_open_error());
        goto out;
    }
    log_info("durability: WAL with synchronous=%s (--sync %s): %s",
             store_get_sync() == STORE_SYNC_FULL ? "FULL" : "NORMAL",
             store_get_sync() == STORE_SYNC_FULL ? "full" : "normal",
             store_get_sync() == STORE_SYNC_FULL
                 ? "every commit is synced, it survives a power loss"
                 : "a commit survives the server being killed; a power loss may undo the last "
                   "ones");

    if ((tls_cert == NULL) != (tls_key == NULL)) {
        fprintf(stderr, "gazouillis serve: --tls-cert and --tls-key go together\n");
        status = CLI_EXIT_USAGE;
        goto out;
    }
    if (tls_cert != NULL &&
        ((cert_pem = read_pem(tls_cert)) == NULL || (key_pem = read_pem(tls_key)) == NULL))
        goto out;
    app.data_dir = data;
    if (public_url == NULL) {
        snprintf(url, sizeof(url), "%s://%s:%u", tls_cert != NULL ? "https" : "http", host, port);
        public_url = url;
    }
    app.public_url = public_url;
    /* served over TLS, here or by a proxy in front: a cookie never goes out in clear */
    app.secure_cookies = strncmp(public_url, "https://", 8) == 0 || tls_cert != NULL;
    /* The API's routes, the Mastodon API's, then the pages' (their "/:name" catch-all last). */
    if ((routes = calloc(app_n_routes + masto_n_routes + web_n_routes, sizeof(*routes))) == NULL) {
        log_warnx("cannot allocate the route table");
        goto out;
    }
    memcpy(routes, app_routes, app_n_routes * sizeof(*routes));
    memcpy(routes + app_n_routes, masto_routes, masto_n_routes * sizeof(*routes));
    memcpy(routes + app_n_routes + masto_n_routes, web_routes, web_n_routes * sizeof(*routes));
    struct http_config cfg = {
        .address = host,
        .port = (uint16_t)port,
        .threads = threads,
        .max_per_address = per_address,
        .routes = routes,
        .n_routes = app_n_routes + masto_n_routes + web_n_routes,
        .app = &app,
        .on_stop = end_streams,
        .tls_cert_pem = cert_pem,
        .tls_key_pem = key_pem,
    };
    /* the writer and the live hub first: the first request may need them */
    masto_streaming_init(&app);
    if (writer_start(&app) != 0 || live_start(&live) != 0 || publisher_start(&app, st) != 0) {
        log_warnx("cannot start the writer, the live hub or its publisher");
        goto out;
    }
    if (http_server_start(&cfg, &srv) != 0)
        goto out;
    if (indexer_start(&app) != 0) {
        log_warnx("cannot start the search indexer");
        goto out;
    }
    if (masto_scheduler_start(&app) != 0) {
        log_warnx("cannot start the scheduler of scheduled statuses");
        goto out;
    }
    /* After listening: the first admin's argon2id hash takes a tenth of a
     * second, which the first response need not wait for. */
    if (auth_ensure_admin(st, admin, sizeof(admin), password, sizeof(password), &created) != 0) {
        log_warnx("cannot create the first admin account: %s", store_errmsg(st));
        goto out;
    }
    if (public_url == url) /* port 0: say the one we got */
        snprintf(url, sizeof(url), "%s://%s:%u", tls_cert != NULL ? "https" : "http", host,
                 (unsigned)http_server_port(srv));
    if (created)
        printf("first start: created the admin account '%s' with password: %s\n"
               "(shown once: note it now; 'gazouillis user password admin' makes a new one)\n",
               admin, password);
    auth_wipe(password, sizeof(password));
    printf("gazouillis listening on %s (data in %s)\n", public_url, data);
    fflush(stdout);

    if (sigwait(&stop, &sig) == 0)
        log_info("%s: stopping", sig == SIGTERM ? "SIGTERM" : "SIGINT");
    http_server_stop(srv, STOP_TIMEOUT_MS);
    srv = NULL;
    masto_scheduler_stop();
    writer_stop();
    publisher_stop();
    live_stop();
    indexer_stop();
    if (store_fts_index_pending(st) != 0)
        log_warnx("cannot index the last posts: %s", store_errmsg(st));
    cache_clear();
    if (store_checkpoint(st) != 0)
        log_warnx("checkpoint failed: %s", store_errmsg(st));
    status = CLI_EXIT_OK;
out:
    if (srv != NULL)
        http_server_stop(srv, STOP_TIMEOUT_MS);
    masto_scheduler_stop();
    writer_stop();
    publisher_stop();
    live_stop();
    indexer_stop();
    free(routes); /* after the server: it reads the table until it stops */
    if (key_pem != NULL)
        auth_wipe(key_pem, strlen(key_pem));
    free(cert_pem);
    free(key_pem);
    store_close(st);
    return status;
}

/*
 * cli/cli.h - the subcommands of the gazouillis binary. main.c parses the
 * command name and hands the rest of the arguments to one of these; each
 * parses its own options, does its job and returns the process exit status.
 */
#ifndef GZ_CLI_H
#define GZ_CLI_H

#ifndef GAZOUILLIS_VERSION
#define GAZOUILLIS_VERSION "0.1.0"
#endif

/* Exit statuses shared by every subcommand. */
enum {
    CLI_EXIT_OK = 0,      /* done; for count, the post is valid */
    CLI_EXIT_INVALID = 1, /* the input was refused (count still prints its JSON) */
    CLI_EXIT_USAGE = 2,   /* bad arguments: usage went to stderr */
    CLI_EXIT_FAILURE = 3, /* out of memory, unreadable input, unwritable output */
};

/*
 * gazouillis count [options] [TEXT...]: weighted length, validity and
 * entities of one post, as JSON on stdout. argv[0] is "count".
 */
int cli_count(int argc, char **argv);
/* gazouillis split [--limit N] [--hashtag TAG] [TEXT]: a numbered thread (cli/split.c). */
int cli_split(int argc, char **argv);
/* gazouillis fit [--limit N] [--lang fr|en] [TEXT]: abbreviated to fit (cli/fit.c). */
int cli_fit(int argc, char **argv);

/*
 * Reads the option at argv[*i] ("--name VALUE" or "--name=VALUE") into
 * *value when it is that option, moving *i past its value. Returns 1 when
 * it was, 0 when argv[*i] is another, -1 when the value is missing (said on
 * stderr, as "gazouillis CMD: …").
 */
int cli_opt_value(const char *cmd, int argc, char **argv, int *i, const char *name,
                  const char **value);

/*
 * TEXT of a command that takes it or stdin: *text as it is, or when it is
 * NULL or "-", stdin read into buf (max + 1 bytes) without its trailing
 * line breaks. CLI_EXIT_OK, or CLI_EXIT_INVALID (said on stderr) when
 * stdin holds more than max bytes.
 */
int cli_text_or_stdin(const char *cmd, const char **text, char *buf, size_t max);

/* gazouillis import FILE: an event document into the store. */
int cli_import(int argc, char **argv);
/* gazouillis export SLUG --format json: the event document on stdout. */
int cli_export(int argc, char **argv);

/* gazouillis backup FILE [--data DIR] [--force]: an online copy of the database (cli/backup.c). */
int cli_backup(int argc, char **argv);
/* gazouillis restore FILE [--data DIR]: a backup in the place of the database. */
int cli_restore(int argc, char **argv);

/* gazouillis serve [--listen HOST:PORT] [--data DIR] [--public-url URL]: runs the server. */
int cli_serve(int argc, char **argv);

/*
 * gazouillis user add NAME [--role ROLE] [--data DIR]: creates an account
 * and prints its generated password once; "user password NAME" prints a
 * new one. argv[0] is "user".
 */
int cli_user(int argc, char **argv);

/*
 * gazouillis token create NAME [--scopes S] [--data DIR]: prints a new API
 * bearer token once (only its hash is stored). argv[0] is "token".
 */
int cli_token(int argc, char **argv);

#endif

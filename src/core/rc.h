/*
 * core/rc.h - the return codes every fallible function of the server uses.
 * Storage and auth never speak HTTP: http/response.c maps an rc to a status.
 */
#ifndef GZ_CORE_RC_H
#define GZ_CORE_RC_H

enum rc {
    RC_OK = 0,
    RC_NOMEM,     /* out of memory */
    RC_INVALID,   /* the input breaks a rule: the caller's mistake */
    RC_NOTFOUND,  /* no such thing */
    RC_CONFLICT,  /* it exists already, or changed under us */
    RC_FORBIDDEN, /* not allowed to whoever asks */
    RC_IO,        /* the disk or the database failed */
    RC_FULL,      /* no space left */
    RC_AGAIN,     /* the disk failed, or the database stayed locked: worth trying again */
};

const char *rc_string(int rc); /* static string, for logs */

#endif

/*
 * core/log.c - timestamped lines on stderr, written with one write(2) each so
 * that lines from several worker threads never interleave.
 */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "core/log.h"
#include "core/rc.h"

static void log_line(const char *level, const char *fmt, va_list ap)
    __attribute__((format(printf, 2, 0)));
static void
log_line(const char *level, const char *fmt, va_list ap)
{
    /*
     * The date and time to the second, made once a second per thread:
     * gmtime_r takes glibc's time-zone lock, which every worker's access
     * log line would otherwise contend for.
     */
    static _Thread_local time_t second = -1;
    static _Thread_local char stamp[64];
    char line[1024];
    struct timespec ts;
    struct tm tm;
    int n, m;

    clock_gettime(CLOCK_REALTIME, &ts);
    if (ts.tv_sec != second) {
        gmtime_r(&ts.tv_sec, &tm);
        snprintf(stamp, sizeof(stamp), "%04d-%02d-%02dT%02d:%02d:%02d", tm.tm_year + 1900,
                 tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec);
        second = ts.tv_sec;
    }
    n = snprintf(line, sizeof(line), "%s.%03ldZ %s", stamp, ts.tv_nsec / 1000000, level);
    m = vsnprintf(line + n, sizeof(line) - (size_t)n - 1, fmt, ap);
    if (m < 0)
        return;
    n += m;
    if ((size_t)n > sizeof(line) - 2)
        n = sizeof(line) - 2;
    line[n++] = '\n';
    if (write(STDERR_FILENO, line, (size_t)n) < 0)
        return; /* nowhere left to say it */
}

void
log_info(const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    log_line("", fmt, ap);
    va_end(ap);
}

void
log_warnx(const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    log_line("warning: ", fmt, ap);
    va_end(ap);
}

const char *
rc_string(int rc)
{
    switch (rc) {
    case RC_OK:
        return "ok";
    case RC_NOMEM:
        return "out of memory";
    case RC_INVALID:
        return "invalid";
    case RC_NOTFOUND:
        return "not found";
    case RC_CONFLICT:
        return "conflict";
    case RC_FORBIDDEN:
        return "forbidden";
    case RC_IO:
        return "input/output error";
    case RC_FULL:
        return "no space left";
    case RC_AGAIN:
        return "storage unavailable";
    }
    return "unknown error";
}

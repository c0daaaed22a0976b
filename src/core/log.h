/*
 * core/log.h - one line per event to stderr, with a UTC timestamp. Request
 * lines come from http/; nothing logs passwords, tokens or cookies.
 */
#ifndef GZ_CORE_LOG_H
#define GZ_CORE_LOG_H

void log_info(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void log_warnx(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

#endif

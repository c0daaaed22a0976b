/*
 * core/disk.h - whether writes to the data directory are failing now (a
 * full disk, an I/O error), so that the condition is logged once when it
 * starts and once when it ends, not once per refused request: a crowd
 * posting to a full disk would otherwise bury the log. The store and the
 * media files report here; nothing here decides an answer (http/ does).
 */
#ifndef GZ_CORE_DISK_H
#define GZ_CORE_DISK_H

/*
 * A write failed: rc is RC_FULL or RC_AGAIN (an I/O error), what
 * says what was written and detail why (both borrowed, for the log). The
 * first failure of an occurrence is logged; repeats only counted.
 */
void disk_write_failed(int rc, const char *what, const char *detail);

/* A write succeeded: ends the occurrence, if any, with one line. Cheap when none. */
void disk_write_ok(void);

#endif

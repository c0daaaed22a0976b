/*
 * store/store_int.h - what the files of store/ share and nothing above them
 * sees: the SQLite backend's schema, one script per version, kept apart from
 * sqlite.c so that the tables read as one document.
 */
#ifndef GZ_STORE_INT_H
#define GZ_STORE_INT_H

#include "store/store.h"

/*
 * sq_migrations[v] takes a database from schema version v to v + 1. Each
 * runs inside the one transaction that store_open() opens, so a failed
 * upgrade leaves the database as it was. Only ever append.
 */
extern const char *const sq_migrations[STORE_SCHEMA_VERSION];

#endif

// The system SQLite (Debian: libsqlite3-dev), found through pkg-config sqlite3.
#include <sqlite3.h>

/* Listing what the OHLCV store holds: every DATA_DIR/ohlcv/{tf}/{SYMBOL}.parquet. */
#ifndef MT_STORE_CATALOG_H
#define MT_STORE_CATALOG_H

#include <stddef.h>

#include "core/error.h"
#include "core/timeframe.h"
#include "store/store.h"

/* Upper bound on listed series (bounded buffer rule). */
#define MT_CATALOG_MAX_ENTRIES ((size_t)200000)

struct mt_catalog_entry {
    char symbol[MT_STORE_SYMBOL_MAX + 1];
    enum mt_tf tf;
};

struct mt_catalog {
    size_t n;
    struct mt_catalog_entry *entries; /* sorted by symbol, then timeframe */
};

/* Lists the store under data_dir into cat (caller releases with
 * mt_catalog_release). Folders that are not timeframe names and files that are
 * not SYMBOL.parquet (temp files, notes) are ignored. A missing store gives an
 * empty list. symbol_filter / tf_filter (NULL = all) keep only matching
 * entries. */
int mt_catalog_list(const char *data_dir, const char *symbol_filter, const enum mt_tf *tf_filter,
                    struct mt_catalog *cat, struct mt_err *err);

void mt_catalog_release(struct mt_catalog *cat);

#endif

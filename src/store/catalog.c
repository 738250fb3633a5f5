#include "store/catalog.h"

#include <dirent.h>
#include <stdbool.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "store/store.h"

/* True if name is SYMBOL.parquet with a valid symbol, copied into symbol. */
static bool is_symbol_file(const char *name, char *symbol, size_t size)
{
    size_t n = strlen(name);
    const char *ext = ".parquet";
    size_t ext_len = strlen(ext);
    if (n <= ext_len || n - ext_len >= size || strcmp(name + n - ext_len, ext) != 0)
        return false;
    memcpy(symbol, name, n - ext_len);
    symbol[n - ext_len] = '\0';
    return mt_store_symbol_valid(symbol);
}

static int compare_entries(const void *a, const void *b)
{
    const struct mt_catalog_entry *x = a, *y = b;
    int c = strcmp(x->symbol, y->symbol);
    return c ? c : (int)x->tf - (int)y->tf;
}

static int add_entry(struct mt_catalog *cat, size_t *cap, const char *symbol, enum mt_tf tf,
                     struct mt_err *err)
{
    if (cat->n == *cap) {
        if (*cap >= MT_CATALOG_MAX_ENTRIES)
            return mt_err_set(err, MT_ELIMIT, "store holds more than %zu series",
                              MT_CATALOG_MAX_ENTRIES);
        size_t ncap = *cap ? *cap * 2 : 64;
        struct mt_catalog_entry *e = realloc(cat->entries, ncap * sizeof *e);
        if (!e)
            return mt_err_set(err, MT_ENOMEM, "out of memory listing the store");
        cat->entries = e;
        *cap = ncap;
    }
    struct mt_catalog_entry *e = &cat->entries[cat->n++];
    snprintf(e->symbol, sizeof e->symbol, "%s", symbol);
    e->tf = tf;
    return MT_OK;
}

int mt_catalog_list(const char *data_dir, const char *symbol_filter, const enum mt_tf *tf_filter,
                    struct mt_catalog *cat, struct mt_err *err)
{
    cat->n = 0;
    cat->entries = NULL;
    size_t cap = 0;
    char root[MT_STORE_PATH_MAX];
    snprintf(root, sizeof root, "%s/ohlcv", data_dir);
    DIR *top = opendir(root);
    if (!top) {
        if (errno == ENOENT)
            return MT_OK;
        return mt_err_set(err, MT_EIO, "cannot list %s: %s", root, strerror(errno));
    }
    int rc = MT_OK;
    struct dirent *tf_ent;
    while (rc == MT_OK && (tf_ent = readdir(top)) != NULL) {
        enum mt_tf tf;
        /* "1mo" is accepted by mt_tf_parse, but the store only uses Binance names. */
        if (mt_tf_parse(tf_ent->d_name, &tf, NULL) != MT_OK ||
            strcmp(mt_tf_name(tf), tf_ent->d_name) != 0)
            continue;
        if (tf_filter && *tf_filter != tf)
            continue;
        char sub[MT_STORE_PATH_MAX];
        snprintf(sub, sizeof sub, "%s/%s", root, tf_ent->d_name);
        DIR *d = opendir(sub);
        if (!d)
            continue;
        struct dirent *f;
        while (rc == MT_OK && (f = readdir(d)) != NULL) {
            char symbol[MT_STORE_SYMBOL_MAX + 1];
            if (!is_symbol_file(f->d_name, symbol, sizeof symbol))
                continue;
            if (symbol_filter && strcmp(symbol_filter, symbol) != 0)
                continue;
            rc = add_entry(cat, &cap, symbol, tf, err);
        }
        closedir(d);
    }
    closedir(top);
    if (rc) {
        mt_catalog_release(cat);
        return rc;
    }
    if (cat->n)
        qsort(cat->entries, cat->n, sizeof *cat->entries, compare_entries);
    return MT_OK;
}

void mt_catalog_release(struct mt_catalog *cat)
{
    free(cat->entries);
    cat->entries = NULL;
    cat->n = 0;
}

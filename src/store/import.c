#include "store/import.h"

#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>

#include <openssl/evp.h>
#include <zip.h>

#include "core/fileio.h"
#include "store/csv.h"

#define MT_SHA256_HEX 64
/* A .CHECKSUM file is one short line. */
#define MT_CHECKSUM_FILE_MAX 4096
#define MT_NAME_PARTS 16

enum file_kind { KIND_NONE, KIND_CSV, KIND_ZIP, KIND_PARQUET };

static const char *base_name(const char *path)
{
    const char *slash = strrchr(path, '/');
    return slash ? slash + 1 : path;
}

static bool ends_with(const char *s, const char *suffix)
{
    size_t n = strlen(s), m = strlen(suffix);
    return n >= m && strcasecmp(s + n - m, suffix) == 0;
}

static enum file_kind file_kind(const char *path)
{
    if (ends_with(path, ".csv"))
        return KIND_CSV;
    if (ends_with(path, ".zip"))
        return KIND_ZIP;
    if (ends_with(path, ".parquet") || ends_with(path, ".pq"))
        return KIND_PARQUET;
    return KIND_NONE;
}

void mt_import_file_init(struct mt_import_file *f)
{
    memset(f, 0, sizeof *f);
    mt_series_init(&f->series, MT_F_OHLC);
}

void mt_import_file_release(struct mt_import_file *f)
{
    mt_series_release(&f->series);
    mt_import_file_init(f);
}

static bool all_digits(const char *p, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        if (p[i] < '0' || p[i] > '9')
            return false;
    }
    return n > 0;
}

/* True if the folder holding the file is named like a store timeframe folder
 * (".../ohlcv/1h/BTCUSDT.parquet"), which then gives the timeframe. */
static bool parent_is_timeframe(const char *path, const char *name, enum mt_tf *tf)
{
    if (name == path)
        return false;
    const char *end = name - 1; /* the '/' before the file name */
    const char *start = end;
    while (start > path && start[-1] != '/')
        start--;
    char folder[8];
    size_t n = (size_t)(end - start);
    if (n == 0 || n >= sizeof folder)
        return false;
    memcpy(folder, start, n);
    folder[n] = '\0';
    return mt_tf_parse(folder, tf, NULL) == MT_OK && strcmp(mt_tf_name(*tf), folder) == 0;
}

int mt_import_parse_name(const char *path, char *symbol, size_t size, enum mt_tf *tf,
                         bool *tf_found, struct mt_err *err)
{
    const char *name = base_name(path);
    size_t len = strcspn(name, ".");
    const char *part[MT_NAME_PARTS];
    size_t plen[MT_NAME_PARTS], np = 0;
    for (size_t i = 0, start = 0; i <= len && np < MT_NAME_PARTS; i++) {
        if (i < len && name[i] != '-' && name[i] != '_')
            continue;
        part[np] = name + start;
        plen[np++] = i - start;
        start = i + 1;
    }
    *tf_found = false;
    size_t sym_parts = np;
    for (size_t k = 1; k < np; k++) {
        char buf[8];
        if (plen[k] == 0 || plen[k] >= sizeof buf)
            continue;
        memcpy(buf, part[k], plen[k]);
        buf[plen[k]] = '\0';
        if (mt_tf_parse(buf, tf, NULL) == MT_OK) {
            *tf_found = true;
            sym_parts = k;
            break;
        }
    }
    if (!*tf_found)
        *tf_found = parent_is_timeframe(path, name, tf);
    if (!*tf_found) {
        for (size_t k = 1; k < np; k++) {
            if (all_digits(part[k], plen[k])) {
                sym_parts = k;
                break;
            }
        }
    }
    char sym[MT_STORE_SYMBOL_MAX + 2];
    size_t n = 0;
    bool lower = false;
    for (size_t k = 0; k < sym_parts; k++) {
        for (size_t i = 0; i < plen[k] && n <= MT_STORE_SYMBOL_MAX; i++) {
            char c = part[k][i];
            lower = lower || (c >= 'a' && c <= 'z');
            sym[n++] = (c >= 'a' && c <= 'z') ? (char)(c - 'a' + 'A') : c;
        }
    }
    sym[n] = '\0';
    /* "btcusdt-1h.csv" is a symbol thanks to its timeframe; "prices.csv" is not. */
    if (!mt_store_symbol_valid(sym) || n >= size || (lower && !*tf_found))
        return mt_err_set(err, MT_EINVAL,
                          "cannot tell the symbol from the file name %s: expected a name like "
                          "BTCUSDT-1h.csv or BTCUSDT-1h-2023-01.zip",
                          name);
    memcpy(symbol, sym, n + 1);
    return MT_OK;
}

/* ---- checksums ---- */

static int sha256_file(const char *path, char hex[MT_SHA256_HEX + 1], struct mt_err *err)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return mt_err_set(err, MT_EIO, "cannot open %s: %s", path, strerror(errno));
    EVP_MD_CTX *ctx = EVP_MD_CTX_new();
    int rc = MT_OK;
    if (!ctx || EVP_DigestInit_ex(ctx, EVP_sha256(), NULL) != 1) {
        rc = mt_err_set(err, MT_ENOMEM, "cannot start a SHA-256 digest for %s", path);
        goto done;
    }
    unsigned char buf[1 << 16];
    size_t got;
    while ((got = fread(buf, 1, sizeof buf, f)) > 0) {
        if (EVP_DigestUpdate(ctx, buf, got) != 1) {
            rc = mt_err_set(err, MT_EIO, "SHA-256 digest of %s failed", path);
            goto done;
        }
    }
    if (ferror(f)) {
        rc = mt_err_set(err, MT_EIO, "cannot read %s", path);
        goto done;
    }
    unsigned char md[EVP_MAX_MD_SIZE];
    unsigned int mdlen = 0;
    if (EVP_DigestFinal_ex(ctx, md, &mdlen) != 1 || mdlen != MT_SHA256_HEX / 2) {
        rc = mt_err_set(err, MT_EIO, "SHA-256 digest of %s failed", path);
        goto done;
    }
    for (unsigned i = 0; i < mdlen; i++)
        snprintf(hex + 2 * i, 3, "%02x", md[i]);
done:
    EVP_MD_CTX_free(ctx);
    fclose(f);
    return rc;
}

static bool is_hex(char c)
{
    return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
}

/* Checks zip_path against zip_path.CHECKSUM ("<64 hex>  <name>") if present. */
static int verify_checksum(const char *zip_path, enum mt_import_checksum *status,
                           struct mt_err *err)
{
    char cpath[MT_STORE_PATH_MAX];
    *status = MT_CHECKSUM_ABSENT;
    int n = snprintf(cpath, sizeof cpath, "%s.CHECKSUM", zip_path);
    if (n < 0 || (size_t)n >= sizeof cpath)
        return mt_err_set(err, MT_EINVAL, "path %s is too long", zip_path);
    char *text;
    size_t len;
    int rc = mt_read_file(cpath, MT_CHECKSUM_FILE_MAX, &text, &len, err);
    if (rc == MT_ENOENT) {
        mt_err_clear(err);
        return MT_OK;
    }
    if (rc)
        return rc;
    /* sha256sum format: digest, a space, ' ' (text) or '*' (binary), file name. */
    const char *name = text + MT_SHA256_HEX + 2;
    bool ok = len > MT_SHA256_HEX + 2 && text[MT_SHA256_HEX] == ' ' &&
              (text[MT_SHA256_HEX + 1] == ' ' || text[MT_SHA256_HEX + 1] == '*');
    for (size_t i = 0; ok && i < MT_SHA256_HEX; i++)
        ok = is_hex(text[i]);
    if (!ok) {
        rc = mt_err_set(err, MT_EFORMAT,
                        "%s: expected a sha256sum line '<64 hex digits>  <file name>'", cpath);
        goto done;
    }
    size_t name_len = strcspn(name, "\r\n");
    const char *want = base_name(zip_path);
    if (name_len != strlen(want) || memcmp(name, want, name_len) != 0) {
        rc = mt_err_set(err, MT_ECHECKSUM, "%s is for '%.*s', expected '%s'", cpath,
                        (int)(name_len > 200 ? 200 : name_len), name, want);
        goto done;
    }
    char actual[MT_SHA256_HEX + 1];
    rc = sha256_file(zip_path, actual, err);
    if (rc)
        goto done;
    if (strncasecmp(actual, text, MT_SHA256_HEX) != 0) {
        rc = mt_err_set(err, MT_ECHECKSUM, "%s: SHA-256 is %s but %s says %.64s", zip_path, actual,
                        base_name(cpath), text);
        goto done;
    }
    *status = MT_CHECKSUM_VERIFIED;
done:
    free(text);
    return rc;
}

/* ---- zip archives ---- */

static int zip_failure(struct mt_err *err, const char *path, const char *what, zip_error_t *ze)
{
    int rc = mt_err_set(err, MT_EFORMAT, "%s: %s: %s", path, what, zip_error_strerror(ze));
    return rc;
}

/* Unpacks the CSV of the open archive za, read from path (a name ending in
 * .zip), into a new NUL-terminated buffer; inner gets the entry's name.
 * Discards za. */
static int unzip_csv(zip_t *za, const char *path, char **text, size_t *len, char *inner, size_t inner_size,
                     struct mt_err *err)
{
    const char *name = base_name(path);
    snprintf(inner, inner_size, "%.*s.csv", (int)(strlen(name) - 4), name);
    int rc = MT_OK;
    char *buf = NULL;
    zip_file_t *zf = NULL;
    zip_int64_t idx = zip_name_locate(za, inner, ZIP_FL_NODIR);
    if (idx < 0 && zip_get_num_entries(za, 0) == 1)
        idx = 0;
    if (idx < 0) {
        rc = mt_err_set(err, MT_EFORMAT, "%s holds %lld entries and none named %s", path,
                        (long long)zip_get_num_entries(za, 0), inner);
        goto done;
    }
    zip_stat_t st;
    if (zip_stat_index(za, (zip_uint64_t)idx, 0, &st) != 0 || !(st.valid & ZIP_STAT_SIZE) ||
        !(st.valid & ZIP_STAT_NAME)) {
        rc = zip_failure(err, path, "cannot read the entry's size", zip_get_error(za));
        goto done;
    }
    snprintf(inner, inner_size, "%s", st.name);
    if (st.size > MT_IMPORT_MAX_CSV_BYTES) {
        rc = mt_err_set(err, MT_ELIMIT, "%s: %s unpacks to %llu bytes, more than the limit of %zu",
                        path, inner, (unsigned long long)st.size, MT_IMPORT_MAX_CSV_BYTES);
        goto done;
    }
    size_t size = (size_t)st.size;
    buf = malloc(size + 1);
    zf = zip_fopen_index(za, (zip_uint64_t)idx, 0);
    if (!buf || !zf) {
        rc = buf ? zip_failure(err, path, "cannot open the entry", zip_get_error(za))
                 : mt_err_set(err, MT_ENOMEM, "out of memory unpacking %s", path);
        goto done;
    }
    size_t got = 0;
    while (got < size) {
        zip_int64_t r = zip_fread(zf, buf + got, size - got);
        if (r <= 0)
            break;
        got += (size_t)r;
    }
    /* A read at the end makes libzip check the CRC. */
    char probe;
    if (got != size || zip_fread(zf, &probe, 1) != 0) {
        rc = zip_failure(err, path, "corrupt entry", zip_file_get_error(zf));
        goto done;
    }
    buf[size] = '\0';
    *text = buf;
    *len = size;
    buf = NULL;
done:
    if (zf)
        zip_fclose(zf);
    zip_discard(za);
    free(buf);
    return rc;
}

/* Unpacks the CSV of the zip at path into a new NUL-terminated buffer. */
static int read_zip_csv(const char *path, char **text, size_t *len, char *inner, size_t inner_size,
                        struct mt_err *err)
{
    int code = 0;
    zip_t *za = zip_open(path, ZIP_RDONLY, &code);
    if (!za) {
        zip_error_t ze;
        zip_error_init_with_code(&ze, code);
        int rc = zip_failure(err, path, "cannot open the zip", &ze);
        zip_error_fini(&ze);
        return rc;
    }
    return unzip_csv(za, path, text, len, inner, inner_size, err);
}

int mt_import_unzip_csv_mem(const void *data, size_t size, const char *name, char **text, size_t *len,
                            struct mt_err *err)
{
    if (!ends_with(name, ".zip"))
        return mt_err_set(err, MT_EINVAL, "%s: expected a name ending in .zip", name);
    zip_error_t ze;
    zip_error_init(&ze);
    zip_source_t *src = zip_source_buffer_create(data, size, 0, &ze);
    zip_t *za = src ? zip_open_from_source(src, ZIP_RDONLY, &ze) : NULL;
    if (!za) {
        zip_source_free(src);
        int rc = zip_failure(err, name, "cannot open the zip", &ze);
        zip_error_fini(&ze);
        return rc;
    }
    zip_error_fini(&ze);
    char inner[256];
    return unzip_csv(za, name, text, len, inner, sizeof inner, err);
}

/* ---- one file ---- */

static int read_csv_text(const char *text, size_t len, const char *name, struct mt_import_file *out,
                         bool *tf_known, struct mt_err *err)
{
    struct mt_csv_info info;
    int rc = mt_csv_parse(text, len, name, *tf_known ? &out->tf : NULL, &out->series, &info, err);
    if (rc)
        return rc;
    out->micros = info.micros;
    out->early_closes = info.early_closes;
    if (info.tf_known) {
        out->tf = info.tf;
        *tf_known = true;
    }
    return MT_OK;
}

int mt_import_read(const char *path, const struct mt_import_opts *opts,
                   struct mt_import_file *out, struct mt_err *err)
{
    static const struct mt_import_opts none = {0};
    if (!opts)
        opts = &none;
    mt_import_file_release(out);
    enum file_kind kind = file_kind(path);
    if (kind == KIND_NONE)
        return mt_err_set(err, MT_EUNSUPPORTED, "%s is not a .csv, .zip or .parquet file",
                          base_name(path));
    bool tf_known = false;
    int rc = mt_import_parse_name(path, out->symbol, sizeof out->symbol, &out->tf, &tf_known,
                                  opts->symbol ? NULL : err);
    if (opts->symbol) {
        if (!mt_store_symbol_valid(opts->symbol))
            return mt_err_set(err, MT_EINVAL,
                              "invalid symbol '%.64s': expected 1 to %d characters A-Z or 0-9",
                              opts->symbol, MT_STORE_SYMBOL_MAX);
        snprintf(out->symbol, sizeof out->symbol, "%s", opts->symbol);
    } else if (rc) {
        return rc;
    }
    if (opts->tf_set) {
        out->tf = opts->tf;
        tf_known = true;
    }
    char *text = NULL;
    size_t len = 0;
    if (kind == KIND_CSV) {
        rc = mt_read_file(path, MT_IMPORT_MAX_CSV_BYTES, &text, &len, err);
        if (!rc)
            rc = read_csv_text(text, len, path, out, &tf_known, err);
    } else if (kind == KIND_ZIP) {
        char inner[256], name[MT_STORE_PATH_MAX + 260];
        rc = verify_checksum(path, &out->checksum, err);
        if (!rc)
            rc = read_zip_csv(path, &text, &len, inner, sizeof inner, err);
        if (!rc) {
            snprintf(name, sizeof name, "%s:%s", path, inner);
            rc = read_csv_text(text, len, name, out, &tf_known, err);
        }
    } else {
        rc = mt_store_read_file(path, &out->series, err);
    }
    free(text);
    if (!rc && !tf_known)
        rc = mt_err_set(err, MT_EINVAL,
                        "cannot tell the timeframe of %s: expected a name like BTCUSDT-1h.csv "
                        "or a timeframe option",
                        path);
    if (rc)
        mt_import_file_release(out);
    return rc;
}

/* ---- folders and runs ---- */

struct path_list {
    size_t n, cap;
    char **paths;
};

static void path_list_release(struct path_list *l)
{
    for (size_t i = 0; i < l->n; i++)
        free(l->paths[i]);
    free(l->paths);
    memset(l, 0, sizeof *l);
}

static int path_list_add(struct path_list *l, const char *path, struct mt_err *err)
{
    if (l->n == l->cap) {
        if (l->n >= MT_IMPORT_MAX_FILES)
            return mt_err_set(err, MT_ELIMIT, "more than %zu files to import",
                              MT_IMPORT_MAX_FILES);
        size_t cap = l->cap ? l->cap * 2 : 64;
        if (cap > MT_IMPORT_MAX_FILES)
            cap = MT_IMPORT_MAX_FILES;
        char **p = realloc(l->paths, cap * sizeof *p);
        if (!p)
            return mt_err_set(err, MT_ENOMEM, "out of memory listing files");
        l->paths = p;
        l->cap = cap;
    }
    char *copy = strdup(path);
    if (!copy)
        return mt_err_set(err, MT_ENOMEM, "out of memory listing files");
    l->paths[l->n++] = copy;
    return MT_OK;
}

/* Collects regular files under dir (symlinks to files are followed, symlinks
 * to folders are not, so the walk cannot loop). */
static int walk(const char *dir, int depth, struct path_list *l, struct mt_err *err)
{
    if (depth > MT_IMPORT_MAX_DEPTH)
        return mt_err_set(err, MT_ELIMIT, "%s is nested more than %d folders deep", dir,
                          MT_IMPORT_MAX_DEPTH);
    DIR *d = opendir(dir);
    if (!d)
        return mt_err_set(err, MT_EIO, "cannot list %s: %s", dir, strerror(errno));
    int rc = MT_OK;
    struct dirent *e;
    while (rc == MT_OK && (e = readdir(d)) != NULL) {
        if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0 ||
            ends_with(e->d_name, ".CHECKSUM"))
            continue;
        char path[MT_STORE_PATH_MAX];
        int n = snprintf(path, sizeof path, "%s/%s", dir, e->d_name);
        if (n < 0 || (size_t)n >= sizeof path) {
            rc = mt_err_set(err, MT_EINVAL, "path %s/%s is too long", dir, e->d_name);
            break;
        }
        struct stat st;
        if (lstat(path, &st) != 0)
            continue; /* vanished while listing */
        if (S_ISDIR(st.st_mode))
            rc = walk(path, depth + 1, l, err);
        else if (S_ISREG(st.st_mode) || (S_ISLNK(st.st_mode) && stat(path, &st) == 0 &&
                                         S_ISREG(st.st_mode)))
            rc = path_list_add(l, path, err);
    }
    closedir(d);
    return rc;
}

static int compare_paths(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* The in-memory series of one run: the stored file plus the run's files so far. */
struct run {
    bool active;
    char symbol[MT_STORE_SYMBOL_MAX + 1];
    enum mt_tf tf;
    size_t first;          /* index of the run's first result */
    int load_code;         /* the stored file could not be loaded */
    char *load_message;
    bool changed;
    struct mt_series base;
};

static void set_outcome(struct mt_import_result *res, enum mt_import_status status, int code,
                        const char *message)
{
    res->status = status;
    res->code = code;
    free(res->message);
    res->message = message ? strdup(message) : NULL;
}

static void run_start(struct run *run, const char *data_dir, const struct mt_import_file *f,
                      size_t first)
{
    struct mt_err e = {0};
    run->active = true;
    memcpy(run->symbol, f->symbol, sizeof run->symbol);
    run->tf = f->tf;
    run->first = first;
    run->changed = false;
    mt_series_init(&run->base, f->series.fields);
    run->load_code = mt_store_load(data_dir, f->symbol, f->tf, &run->base, &e);
    if (run->load_code == MT_ENOENT) {
        run->load_code = MT_OK;
        mt_series_init(&run->base, f->series.fields);
    }
    if (run->load_code) {
        mt_err_prefix(&e, "cannot load the stored series");
        run->load_message = strdup(e.msg);
    }
}

/* Writes the run's series if it changed and settles its files' results. */
static void run_flush(struct run *run, const char *data_dir, struct mt_import_results *out,
                      size_t end)
{
    if (!run->active)
        return;
    if (run->changed) {
        struct mt_err e = {0};
        size_t bytes = 0;
        int rc = mt_store_save(data_dir, run->symbol, run->tf, &run->base, &bytes, &e);
        struct mt_import_result *last = NULL;
        for (size_t i = run->first; i < end; i++) {
            struct mt_import_result *res = &out->items[i];
            if (res->status != MT_IMPORT_OK || (!res->merge.added && !res->merge.replaced))
                continue;
            if (rc)
                set_outcome(res, MT_IMPORT_FAILED, rc, e.msg);
            else
                last = res;
        }
        if (last)
            last->merge.bytes_written = bytes;
    }
    mt_series_release(&run->base);
    free(run->load_message);
    memset(run, 0, sizeof *run);
}

/* Names the series in the result before reading, so that a failed file still
 * shows what it was meant to be (for the CLI's table). */
static void name_result(struct mt_import_result *res, const char *path,
                        const struct mt_import_opts *opts)
{
    bool tf_found = false;
    if (mt_import_parse_name(path, res->symbol, sizeof res->symbol, &res->tf, &tf_found, NULL))
        res->symbol[0] = '\0';
    if (opts->symbol && mt_store_symbol_valid(opts->symbol))
        snprintf(res->symbol, sizeof res->symbol, "%s", opts->symbol);
    if (opts->tf_set) {
        res->tf = opts->tf;
        tf_found = true;
    }
    if (!tf_found)
        res->symbol[0] = '\0';
}

static void import_one(const char *data_dir, const char *path, const struct mt_import_opts *opts,
                       struct run *run, struct mt_import_results *out, size_t index)
{
    struct mt_import_result *res = &out->items[index];
    if (file_kind(path) == KIND_NONE) {
        set_outcome(res, MT_IMPORT_SKIPPED, 0, "not a .csv, .zip or .parquet file");
        return;
    }
    name_result(res, path, opts);
    struct mt_import_file f;
    struct mt_err e = {0};
    mt_import_file_init(&f);
    int rc = mt_import_read(path, opts, &f, &e);
    if (rc) {
        set_outcome(res, MT_IMPORT_FAILED, rc, e.msg);
        goto done;
    }
    memcpy(res->symbol, f.symbol, sizeof res->symbol);
    res->tf = f.tf;
    res->rows = f.series.n;
    res->checksum = f.checksum;
    if (run->active && (strcmp(run->symbol, f.symbol) != 0 || run->tf != f.tf))
        run_flush(run, data_dir, out, index);
    if (!run->active)
        run_start(run, data_dir, &f, index);
    if (run->load_code) {
        set_outcome(res, MT_IMPORT_FAILED, run->load_code, run->load_message);
        goto done;
    }
    rc = mt_store_merge_series(&run->base, &f.series, f.tf, MT_MERGE_NEWER_WINS, &res->merge, &e);
    if (rc) {
        mt_err_prefix(&e, "%s", path);
        set_outcome(res, MT_IMPORT_FAILED, rc, e.msg);
        goto done;
    }
    if (res->merge.added || res->merge.replaced)
        run->changed = true;
    set_outcome(res, MT_IMPORT_OK, 0, NULL);
done:
    mt_import_file_release(&f);
}

int mt_import_path(const char *data_dir, const char *path, const struct mt_import_opts *opts,
                   struct mt_import_results *out, struct mt_err *err)
{
    static const struct mt_import_opts none = {0};
    if (!opts)
        opts = &none;
    memset(out, 0, sizeof *out);
    struct stat st;
    if (stat(path, &st) != 0)
        return mt_err_set(err, errno == ENOENT ? MT_ENOENT : MT_EIO, "cannot import %s: %s", path,
                          strerror(errno));
    struct path_list list = {0};
    int rc = S_ISDIR(st.st_mode) ? walk(path, 0, &list, err) : path_list_add(&list, path, err);
    if (rc)
        goto done;
    qsort(list.paths, list.n, sizeof *list.paths, compare_paths);
    out->items = calloc(list.n ? list.n : 1, sizeof *out->items);
    if (!out->items) {
        rc = mt_err_set(err, MT_ENOMEM, "out of memory for %zu import results", list.n);
        goto done;
    }
    out->n = list.n;
    struct run run = {0};
    for (size_t i = 0; i < list.n; i++) {
        if (opts->progress)
            opts->progress(list.paths[i], i, list.n, opts->progress_ctx);
        out->items[i].path = list.paths[i];
        list.paths[i] = NULL; /* now owned by the result */
        import_one(data_dir, out->items[i].path, opts, &run, out, i);
    }
    run_flush(&run, data_dir, out, list.n);
    for (size_t i = 0; i < out->n; i++) {
        switch (out->items[i].status) {
        case MT_IMPORT_OK: out->ok++; break;
        case MT_IMPORT_SKIPPED: out->skipped++; break;
        case MT_IMPORT_FAILED: out->failed++; break;
        }
    }
done:
    path_list_release(&list);
    return rc;
}

void mt_import_results_release(struct mt_import_results *r)
{
    for (size_t i = 0; i < r->n; i++) {
        free(r->items[i].path);
        free(r->items[i].message);
    }
    free(r->items);
    memset(r, 0, sizeof *r);
}

#include "store/import.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#include <openssl/evp.h>
#include <zip.h>

#include "core/fileio.h"
#include "core/time.h"
#include "store/csv.h"
#include "store/validate.h"

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
    struct stat st;
    int fd = mt_open_regular(path, &st, err);
    FILE *f = fd < 0 ? NULL : fdopen(fd, "rb");
    if (!f) {
        if (fd >= 0)
            close(fd);
        return fd < 0 ? fd : mt_err_set(err, MT_EIO, "cannot open %s: %s", path, strerror(errno));
    }
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

/* An open zip entry, read in chunks by the CSV parser. */
struct zip_entry {
    const char *path;
    char name[256];
    zip_t *za;
    zip_file_t *zf;
    zip_uint64_t size, got;
};

/* Opens the CSV entry of the archive z->za, read from z->path (a name ending
 * in .zip): the entry of the same base name, or the only one. */
static int zip_entry_find(struct zip_entry *z, struct mt_err *err)
{
    const char *path = z->path;
    const char *name = base_name(path);
    snprintf(z->name, sizeof z->name, "%.*s.csv", (int)(strlen(name) - 4), name);
    zip_int64_t idx = zip_name_locate(z->za, z->name, ZIP_FL_NODIR);
    if (idx < 0 && zip_get_num_entries(z->za, 0) == 1)
        idx = 0;
    if (idx < 0)
        return mt_err_set(err, MT_EFORMAT, "%s holds %lld entries and none named %s", path,
                          (long long)zip_get_num_entries(z->za, 0), z->name);
    zip_stat_t st;
    if (zip_stat_index(z->za, (zip_uint64_t)idx, 0, &st) != 0 || !(st.valid & ZIP_STAT_SIZE) ||
        !(st.valid & ZIP_STAT_NAME))
        return zip_failure(err, path, "cannot read the entry's size", zip_get_error(z->za));
    snprintf(z->name, sizeof z->name, "%s", st.name);
    if (st.size > MT_IMPORT_MAX_CSV_BYTES)
        return mt_err_set(err, MT_ELIMIT,
                          "%s: %s unpacks to %llu bytes, more than the limit of %zu", path, z->name,
                          (unsigned long long)st.size, MT_IMPORT_MAX_CSV_BYTES);
    z->size = st.size;
    z->zf = zip_fopen_index(z->za, (zip_uint64_t)idx, 0);
    if (!z->zf)
        return mt_err_set(err, MT_EFORMAT, "%s: cannot open the entry %s: %s", path, z->name,
                          zip_strerror(z->za));
    return MT_OK;
}

/* Opens the CSV entry of the zip file at path. */
static int zip_entry_open(struct zip_entry *z, const char *path, struct mt_err *err)
{
    memset(z, 0, sizeof *z);
    z->path = path;
    struct stat st;
    int fd = mt_open_regular(path, &st, err);
    if (fd < 0)
        return fd;
    int code = 0;
    z->za = zip_fdopen(fd, 0, &code); /* read-only; owns fd from now on */
    if (!z->za) {
        close(fd);
        zip_error_t ze;
        zip_error_init_with_code(&ze, code);
        int rc = zip_failure(err, path, "cannot open the zip", &ze);
        zip_error_fini(&ze);
        return rc;
    }
    return zip_entry_find(z, err);
}

/* Opens the CSV entry of the archive of size bytes at data (not copied), as
 * if read from a file named name. */
static int zip_entry_open_mem(struct zip_entry *z, const void *data, size_t size, const char *name,
                              struct mt_err *err)
{
    memset(z, 0, sizeof *z);
    z->path = name;
    zip_error_t ze;
    zip_error_init(&ze);
    zip_source_t *src = zip_source_buffer_create(data, size, 0, &ze);
    z->za = src ? zip_open_from_source(src, ZIP_RDONLY, &ze) : NULL;
    if (!z->za) {
        zip_source_free(src);
        int rc = zip_failure(err, name, "cannot open the zip", &ze);
        zip_error_fini(&ze);
        return rc;
    }
    zip_error_fini(&ze);
    return zip_entry_find(z, err);
}

static void zip_entry_close(struct zip_entry *z)
{
    if (z->zf)
        zip_fclose(z->zf);
    if (z->za)
        zip_discard(z->za);
}

/* mt_csv_reader over an entry. libzip checks the CRC when the end is read. */
static int64_t zip_entry_read(void *ctx, char *buf, size_t cap, struct mt_err *err)
{
    struct zip_entry *z = ctx;
    zip_int64_t r = zip_fread(z->zf, buf, cap);
    if (r < 0)
        return mt_err_set(err, MT_EFORMAT, "%s: the entry %s is corrupt: %s", z->path, z->name,
                          zip_file_strerror(z->zf));
    z->got += (zip_uint64_t)r;
    if (r == 0 && z->got != z->size)
        return mt_err_set(err, MT_EFORMAT,
                          "%s: the entry %s is corrupt: its data ends after %llu of its %llu "
                          "bytes",
                          z->path, z->name, (unsigned long long)z->got,
                          (unsigned long long)z->size);
    return r;
}

/* After a CSV error inside an entry: reads the entry to its end, so that a
 * damaged archive is reported as one (CRC) rather than as the garbage it
 * unpacked to. Returns rc, or the zip error found. */
static int zip_entry_drain(struct zip_entry *z, int rc, struct mt_err *err)
{
    char buf[1 << 14];
    struct mt_err e = {0};
    int64_t r;
    while ((r = zip_entry_read(z, buf, sizeof buf, &e)) > 0)
        ;
    if (r < 0 && err)
        *err = e;
    return r < 0 ? (int)r : rc;
}

/* ---- plain CSV files ---- */

struct csv_file {
    const char *path;
    int fd;
    size_t got;
};

/* Opens a regular file without blocking on a FIFO or device. */
static int csv_file_open(struct csv_file *c, const char *path, struct mt_err *err)
{
    c->path = path;
    c->got = 0;
    struct stat st;
    c->fd = mt_open_regular(path, &st, err);
    if (c->fd < 0)
        return c->fd;
    if ((size_t)st.st_size > MT_IMPORT_MAX_CSV_BYTES)
        return mt_err_set(err, MT_ELIMIT, "%s is %lld bytes, larger than the limit of %zu", path,
                          (long long)st.st_size, MT_IMPORT_MAX_CSV_BYTES);
    return MT_OK;
}

/* mt_csv_reader over a file (which may not grow past the limit meanwhile). */
static int64_t csv_file_read(void *ctx, char *buf, size_t cap, struct mt_err *err)
{
    struct csv_file *c = ctx;
    ssize_t r;
    do {
        r = read(c->fd, buf, cap);
    } while (r < 0 && errno == EINTR);
    if (r < 0)
        return mt_err_set(err, MT_EIO, "cannot read %s: %s", c->path, strerror(errno));
    c->got += (size_t)r;
    if (c->got > MT_IMPORT_MAX_CSV_BYTES)
        return mt_err_set(err, MT_ELIMIT, "%s grew past the limit of %zu bytes while read",
                          c->path, MT_IMPORT_MAX_CSV_BYTES);
    return r;
}

/* ---- one file ---- */

static void keep_csv_info(const struct mt_csv_info *info, struct mt_import_file *out,
                          bool *tf_known)
{
    out->micros = info->micros;
    out->early_closes = info->early_closes;
    out->invalid = info->invalid;
    out->first_invalid = info->first_invalid;
    if (info->tf_known) {
        out->tf = info->tf;
        *tf_known = true;
    }
}

static int read_csv_file(const char *path, const struct mt_import_opts *opts,
                         struct mt_import_file *out, bool *tf_known, struct mt_err *err)
{
    struct csv_file c;
    struct mt_csv_info info;
    int rc = csv_file_open(&c, path, err);
    if (!rc)
        rc = mt_csv_read(csv_file_read, &c, opts->chunk, path, *tf_known ? &out->tf : NULL,
                         &out->series, &info, err);
    if (c.fd >= 0)
        close(c.fd);
    if (!rc)
        keep_csv_info(&info, out, tf_known);
    return rc;
}

/* Streams the CSV of the entry z (opened with code rc) into out, then closes z. */
static int read_zip_entry(struct zip_entry *z, int rc, const struct mt_import_opts *opts,
                          struct mt_import_file *out, bool *tf_known, struct mt_err *err)
{
    struct mt_csv_info info;
    if (!rc) {
        char name[MT_STORE_PATH_MAX + 260];
        snprintf(name, sizeof name, "%s:%s", z->path, z->name);
        rc = mt_csv_read(zip_entry_read, z, opts->chunk, name, *tf_known ? &out->tf : NULL,
                         &out->series, &info, err);
        if (rc && z->got < z->size)
            rc = zip_entry_drain(z, rc, err);
    }
    zip_entry_close(z);
    if (!rc)
        keep_csv_info(&info, out, tf_known);
    return rc;
}

static int read_zip_file(const char *path, const struct mt_import_opts *opts,
                         struct mt_import_file *out, bool *tf_known, struct mt_err *err)
{
    struct zip_entry z;
    int rc = verify_checksum(path, &out->checksum, err);
    if (rc)
        return rc;
    rc = zip_entry_open(&z, path, err);
    return read_zip_entry(&z, rc, opts, out, tf_known, err);
}

int mt_import_read_zip_mem(const void *data, size_t size, const char *name,
                           const struct mt_import_opts *opts, struct mt_import_file *out,
                           struct mt_err *err)
{
    static const struct mt_import_opts none = {0};
    if (!ends_with(name, ".zip"))
        return mt_err_set(err, MT_EINVAL, "%s: expected a name ending in .zip", name);
    mt_import_file_release(out);
    struct zip_entry z;
    bool tf_known = false;
    int rc = zip_entry_open_mem(&z, data, size, name, err);
    rc = read_zip_entry(&z, rc, opts ? opts : &none, out, &tf_known, err);
    if (rc)
        mt_import_file_release(out);
    return rc;
}

/* Checks what the CSV parser checks per row, for a Parquet file: trade counts
 * the store can keep (an error) and the row rules (counted). */
static int check_parquet_rows(const char *path, struct mt_import_file *out, struct mt_err *err)
{
    const struct mt_series *s = &out->series;
    char t[32];
    for (size_t i = 0; (s->fields & MT_F_TRADES) && i < s->n; i++) {
        if (!mt_csv_trade_count_ok(s->trades[i]))
            return mt_err_set(err, MT_EFORMAT,
                              "%s row %zu (open time %s) column trades: expected an integer "
                              "count below 9.2e18, got %.17g",
                              path, i, mt_time_format(s->open_time[i], t, sizeof t), s->trades[i]);
    }
    for (size_t i = 0; i < s->n; i++) {
        struct mt_issue issue[MT_VALIDATE_ROW_MAX];
        if (mt_validate_row(s, i, issue) == 0 || out->invalid++ > 0)
            continue;
        char what[160];
        mt_err_set(&out->first_invalid, MT_EDATA,
                   "%s row %zu (open time %s) column %s: invalid candle: %s", path, i,
                   mt_time_format(s->open_time[i], t, sizeof t), mt_field_name(issue[0].field),
                   mt_issue_describe(&issue[0], what, sizeof what));
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
    if (kind == KIND_CSV)
        rc = read_csv_file(path, opts, out, &tf_known, err);
    else if (kind == KIND_ZIP)
        rc = read_zip_file(path, opts, out, &tf_known, err);
    else if ((rc = mt_store_read_file(path, &out->series, err)) == MT_OK)
        rc = check_parquet_rows(path, out, err);
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

/* The in-memory series of one run: the stored file plus the run's files so
 * far. The run holds the series' store lock from its load to its save, so no
 * other writer's candles are lost or overwritten by an older copy. */
struct run {
    bool active;
    struct mt_lock lock;
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
    if (status == MT_IMPORT_FAILED)
        memset(&res->merge, 0, sizeof res->merge); /* nothing of it was stored */
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
    run->load_code = mt_store_lock(data_dir, f->symbol, f->tf, &run->lock, &e);
    if (run->load_code == MT_OK) {
        run->load_code = mt_store_load(data_dir, f->symbol, f->tf, &run->base, &e);
        if (run->load_code == MT_ENOENT) {
            run->load_code = MT_OK;
            mt_series_init(&run->base, f->series.fields);
        }
        if (run->load_code)
            mt_err_prefix(&e, "cannot load the stored series");
    }
    if (run->load_code)
        run->load_message = strdup(e.msg);
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
    mt_lock_release(&run->lock);
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
    res->invalid = f.invalid;
    res->checksum = f.checksum;
    if (f.invalid && !opts->allow_invalid) {
        char msg[MT_ERR_MSG_MAX + 96];
        snprintf(msg, sizeof msg,
                 "%s (%zu invalid row%s in the file; --allow-invalid imports them)",
                 f.first_invalid.msg, f.invalid, f.invalid == 1 ? "" : "s");
        set_outcome(res, MT_IMPORT_FAILED, f.first_invalid.code, msg);
        goto done;
    }
    if (run->active && (strcmp(run->symbol, f.symbol) != 0 || run->tf != f.tf))
        run_flush(run, data_dir, out, index);
    if (!run->active)
        run_start(run, data_dir, &f, index);
    if (run->load_code) {
        set_outcome(res, MT_IMPORT_FAILED, run->load_code, run->load_message);
        goto done;
    }
    rc = mt_store_merge_series_take(&run->base, &f.series, f.tf, MT_MERGE_NEWER_WINS, &res->merge,
                                    &e);
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
        const struct mt_import_result *res = &out->items[i];
        switch (res->status) {
        case MT_IMPORT_OK:
            out->ok++;
            out->added += res->merge.added;
            out->replaced += res->merge.replaced;
            out->invalid += res->invalid;
            break;
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

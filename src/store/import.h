/* Importing OHLCV files into the store: plain CSV, data.binance.vision kline
 * CSVs and their .zip archives (checked against <file>.zip.CHECKSUM when it is
 * there), and Parquet files written by other tools.
 *
 * The symbol and timeframe come from explicit options, else from the file name
 * (BTCUSDT-1h.csv, BTCUSDT-1h-2023-01.zip, BTCUSDT_1h.parquet, btc_usdt-1d.csv),
 * else (timeframe only) from Binance close times. Thread safety: none needed,
 * no shared state. Imports into one store at once (and downloads or
 * resampling) are coordinated by the series lock of store/store.h: a run
 * (consecutive files of one series) holds it from loading the stored series
 * to saving it, so the union of all writers' candles is stored and no other
 * writer's candle is replaced by an older copy. A writer waiting for a long
 * run times out after MTRADER_LOCK_TIMEOUT seconds (store/lock.h).
 */
#ifndef MT_STORE_IMPORT_H
#define MT_STORE_IMPORT_H

#include <stdbool.h>
#include <stddef.h>

#include "core/error.h"
#include "core/series.h"
#include "core/timeframe.h"
#include "store/store.h"

/* Most files one mt_import_path call handles. */
#define MT_IMPORT_MAX_FILES ((size_t)100000)
/* Deepest folder nesting walked. */
#define MT_IMPORT_MAX_DEPTH 16
/* Largest CSV (plain or unpacked from a zip) read; it is read in chunks, so
 * memory follows the rows kept, not the file's size. */
#define MT_IMPORT_MAX_CSV_BYTES ((size_t)1 << 30)

enum mt_import_status {
    MT_IMPORT_OK = 0,
    MT_IMPORT_SKIPPED = 1, /* not a .csv, .zip or .parquet file */
    MT_IMPORT_FAILED = 2,
};

enum mt_import_checksum {
    MT_CHECKSUM_ABSENT = 0,   /* not a zip, or no .CHECKSUM beside it */
    MT_CHECKSUM_VERIFIED = 1, /* SHA-256 matched (a mismatch fails with MT_ECHECKSUM) */
};

struct mt_import_opts {
    const char *symbol; /* NULL: from the file name */
    bool tf_set;        /* true: use tf below for every file */
    enum mt_tf tf;
    /* mt_import_path: store rows that break a row rule of mt_validate_row
     * (counted in invalid) instead of failing their file. */
    bool allow_invalid;
    /* Bytes per read of a CSV (0: MT_CSV_CHUNK); small values test the
     * lines that straddle reads. */
    size_t chunk;
    /* Called before each file (may be NULL), e.g. for a progress bar. */
    void (*progress)(const char *path, size_t index, size_t total, void *ctx);
    void *progress_ctx;
};

/* One file read into memory. */
struct mt_import_file {
    char symbol[MT_STORE_SYMBOL_MAX + 1];
    enum mt_tf tf;
    struct mt_series series; /* rows in file order */
    enum mt_import_checksum checksum;
    bool micros;             /* some CSV timestamps were in µs (or ns) */
    size_t early_closes;     /* CSV rows closed before their candle's end (outages) */
    size_t invalid;          /* rows breaking a row rule of mt_validate_row (kept) */
    struct mt_err first_invalid; /* when invalid > 0: MT_EDATA naming the first such row's
                                    file and line and column (CSV), or row and column */
};

void mt_import_file_init(struct mt_import_file *f);
void mt_import_file_release(struct mt_import_file *f);

/* Finds the symbol (upper-cased, [A-Z0-9]{1,32}) and timeframe in a file name:
 * the name up to its first '.' is split at '-' and '_'; the first part after
 * the first that is a Binance interval ("1h", "1M", "1mo") is the timeframe
 * and the parts before it form the symbol; without one, the parts before the
 * first all-digit part form it, and must then be upper case already (so
 * "prices.csv" names no symbol, while "btcusdt-1h.csv" does). Returns 0 with
 * *tf_found telling whether a timeframe was found, or MT_EINVAL if no valid
 * symbol. */
int mt_import_parse_name(const char *path, char *symbol, size_t size, enum mt_tf *tf,
                         bool *tf_found, struct mt_err *err);

/* Reads one .csv, .zip or .parquet file (by extension, case-insensitive) into
 * out (init'ed or released; content released first). opts may be NULL. A zip
 * must hold the CSV of the same base name (or a single entry); its
 * <path>.CHECKSUM, if present, must match (MT_ECHECKSUM naming the file and
 * both digests). CSVs and zip entries are streamed in opts->chunk reads; a
 * damaged entry is MT_EFORMAT naming archive, entry and libzip's reason.
 * Other extensions give MT_EUNSUPPORTED. A trade count the store cannot keep
 * (not an integer below MT_STORE_TRADES_MAX in magnitude) is MT_EFORMAT. Rows
 * that break a row rule are kept and counted in out->invalid (so validate can
 * report them). Errors name the file (and line and column for CSV, row and
 * column for Parquet). */
int mt_import_read(const char *path, const struct mt_import_opts *opts,
                   struct mt_import_file *out, struct mt_err *err);

/* Reads the CSV of a .zip archive held in memory (size bytes at data, read,
 * not copied) into out->series as mt_import_read reads a .zip file named name
 * (which must end in .zip, else MT_EINVAL): the same entry rules, streaming,
 * row checks and errors, without the .CHECKSUM step; out->tf is set only when
 * close times tell it, out->symbol is left empty. The archive needs no file,
 * so the fuzz target reads it at memory speed. opts may be NULL. */
int mt_import_read_zip_mem(const void *data, size_t size, const char *name,
                           const struct mt_import_opts *opts, struct mt_import_file *out,
                           struct mt_err *err);

/* Outcome for one file. */
struct mt_import_result {
    char *path;              /* owned */
    enum mt_import_status status;
    char symbol[MT_STORE_SYMBOL_MAX + 1]; /* "" when unknown (for a failed file: from
                                             its name when that names both) */
    enum mt_tf tf;           /* valid when symbol is set */
    size_t rows;             /* candles read from the file */
    size_t invalid;          /* of them, rows breaking a row rule of mt_validate_row */
    enum mt_import_checksum checksum;
    struct mt_merge_report merge; /* against the store plus earlier files of the run; all
                                     zero for a FAILED file, whose candles were not stored */
    int code;                /* MT_E... when FAILED, else 0 */
    char *message;           /* owned; why it failed or was skipped; NULL when OK */
};

struct mt_import_results {
    size_t n;
    struct mt_import_result *items; /* in path order */
    size_t ok, skipped, failed;
    size_t added, replaced, invalid; /* sums over the OK files */
};

/* Imports path (a file, or a folder walked recursively; *.CHECKSUM files are
 * used beside their zip, not listed) into the store under data_dir, filling
 * out (zero it first; release with mt_import_results_release). Files are taken
 * in path order, so monthly archives merge oldest first. Consecutive files of
 * one symbol and timeframe (a "run") are merged in memory and the store file
 * is written once per run; its size is reported in merge.bytes_written of the
 * run's last file that changed something. A file that cannot be read, whose
 * close times contradict its timeframe, whose times are off the grid, or that
 * has invalid rows (unless opts->allow_invalid; MT_EDATA naming the first)
 * fails alone (status FAILED, code and message set) and changes nothing; a
 * failed store write fails the files of its run that changed something, and
 * the failed files count in none of the sums. Returns 0
 * when every file got a result (check out->failed), or a negative code for a
 * problem with the walk itself (missing path, more than MT_IMPORT_MAX_FILES
 * files, out of memory). */
int mt_import_path(const char *data_dir, const char *path, const struct mt_import_opts *opts,
                   struct mt_import_results *out, struct mt_err *err);

void mt_import_results_release(struct mt_import_results *r);

#endif

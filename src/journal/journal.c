/* The trade journal (see journal.h; the schema: docs/journal.md). */
#include "journal/journal.h"

#include <assert.h>
#include <errno.h>
#include <math.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/grow.h"
#include "core/numfmt.h"

/* WAL pages between automatic checkpoints (SQLite's default is 1000). */
#define MT_JOURNAL_CHECKPOINT_PAGES 8192
#define MT_STR_(x) #x
#define MT_STR(x) MT_STR_(x)

/* ---- schema ---- */

/* Migration k takes the file from user_version k to k + 1; never edit a
 * released one, append the next. */
static const char *const migrations[MT_JOURNAL_SCHEMA] = {
    "CREATE TABLE runs ("
    " id INTEGER PRIMARY KEY,"
    " kind TEXT NOT NULL CHECK (kind IN ('backtest', 'replay', 'paper', 'live')),"
    " version TEXT NOT NULL,"
    " config_hash TEXT,"
    " started INTEGER NOT NULL,"
    " ended INTEGER,"
    " span_from INTEGER,"
    " span_to INTEGER,"
    " timeframe TEXT NOT NULL,"
    " balance REAL NOT NULL,"
    " fee_rate REAL NOT NULL,"
    " bnb INTEGER NOT NULL,"
    " spread REAL NOT NULL,"
    " slippage REAL NOT NULL,"
    " max_positions INTEGER NOT NULL,"
    " max_open_r REAL NOT NULL,"
    " one_per_symbol INTEGER NOT NULL,"
    " track_sims INTEGER NOT NULL);"
    "CREATE TABLE agents ("
    " run INTEGER NOT NULL REFERENCES runs (id),"
    " idx INTEGER NOT NULL,"
    " strategy TEXT NOT NULL,"
    " tp_at_r REAL NOT NULL,"
    " tp_fraction REAL NOT NULL,"
    " tp_full_value REAL NOT NULL,"
    " stale_ms INTEGER NOT NULL,"
    " stale_below_r REAL NOT NULL,"
    " risk REAL NOT NULL,"
    " max_notional REAL NOT NULL,"
    " min_notional REAL NOT NULL,"
    " max_positions INTEGER NOT NULL,"
    " max_open_r REAL NOT NULL,"
    " min_score REAL NOT NULL,"
    " PRIMARY KEY (run, idx)) WITHOUT ROWID;"
    "CREATE TABLE series ("
    " run INTEGER NOT NULL REFERENCES runs (id),"
    " idx INTEGER NOT NULL,"
    " symbol TEXT NOT NULL,"
    " PRIMARY KEY (run, idx),"
    " UNIQUE (run, symbol)) WITHOUT ROWID;"
    "CREATE TABLE trades ("
    " run INTEGER NOT NULL,"
    " id INTEGER NOT NULL,"
    " parent INTEGER,"
    " agent INTEGER NOT NULL,"
    " symbol TEXT NOT NULL,"
    " kind TEXT NOT NULL CHECK (kind IN ('real', 'sim', 'tracked')),"
    " side TEXT NOT NULL CHECK (side IN ('long', 'short')),"
    " signal_time INTEGER NOT NULL,"
    " setup_price REAL,"
    " setup_stop REAL,"
    " setup_target REAL,"
    " setup_rr REAL,"
    " context TEXT NOT NULL,"
    " score REAL NOT NULL,"
    " sim_reasons INTEGER NOT NULL,"
    " state TEXT NOT NULL CHECK (state IN ('open', 'closed', 'censored')),"
    " open_time INTEGER NOT NULL,"
    " close_time INTEGER,"
    " entry REAL NOT NULL,"
    " init_stop REAL NOT NULL,"
    " stop REAL NOT NULL,"
    " target REAL,"
    " init_size REAL NOT NULL,"
    " size REAL NOT NULL,"
    " fees REAL NOT NULL,"
    " realized REAL NOT NULL,"
    " mark REAL,"
    " pnl REAL,"
    " r REAL,"
    " mae_r REAL,"
    " mfe_r REAL,"
    " exit_reason TEXT NOT NULL,"
    " ambiguous INTEGER NOT NULL,"
    " resolved_by_lower INTEGER NOT NULL,"
    " PRIMARY KEY (run, id),"
    " FOREIGN KEY (run, agent) REFERENCES agents (run, idx),"
    " FOREIGN KEY (run, symbol) REFERENCES series (run, symbol),"
    " FOREIGN KEY (run, parent) REFERENCES trades (run, id));"
    "CREATE INDEX trades_state ON trades (run, state, agent);"
    "CREATE INDEX trades_agent ON trades (run, agent, open_time);"
    "CREATE INDEX trades_symbol ON trades (run, symbol, open_time);"
    "CREATE INDEX trades_parent ON trades (run, parent) WHERE parent IS NOT NULL;"
    "CREATE TABLE legs ("
    " run INTEGER NOT NULL,"
    " trade INTEGER NOT NULL,"
    " idx INTEGER NOT NULL,"
    " time INTEGER NOT NULL,"
    " action TEXT NOT NULL CHECK (action IN ('open', 'partial', 'close')),"
    " reason TEXT NOT NULL,"
    " price REAL NOT NULL,"
    " size REAL NOT NULL,"
    " fee REAL NOT NULL,"
    " PRIMARY KEY (run, trade, idx),"
    " FOREIGN KEY (run, trade) REFERENCES trades (run, id)) WITHOUT ROWID;"
    "CREATE TABLE decisions ("
    " id INTEGER PRIMARY KEY,"
    " run INTEGER NOT NULL REFERENCES runs (id),"
    " time INTEGER NOT NULL,"
    " agent INTEGER NOT NULL,"
    " symbol TEXT NOT NULL,"
    " side TEXT NOT NULL CHECK (side IN ('long', 'short')),"
    " price REAL,"
    " stop REAL,"
    " target REAL,"
    " outcome TEXT NOT NULL CHECK (outcome IN ('real', 'sim', 'untradable', 'held', 'opposite')),"
    " score REAL NOT NULL,"
    " size REAL NOT NULL,"
    " sim_reasons INTEGER NOT NULL,"
    " trade INTEGER,"
    " FOREIGN KEY (run, agent) REFERENCES agents (run, idx),"
    " FOREIGN KEY (run, symbol) REFERENCES series (run, symbol));"
    "CREATE INDEX decisions_time ON decisions (run, time);"
    "CREATE INDEX decisions_agent ON decisions (run, agent, symbol);"
    "CREATE TABLE equity ("
    " run INTEGER NOT NULL REFERENCES runs (id),"
    " time INTEGER NOT NULL,"
    " equity REAL NOT NULL,"
    " PRIMARY KEY (run, time)) WITHOUT ROWID;"
    "CREATE TABLE orders ("
    " id INTEGER PRIMARY KEY,"
    " run INTEGER NOT NULL,"
    " trade INTEGER NOT NULL,"
    " leg INTEGER,"
    " client_order_id TEXT NOT NULL UNIQUE,"
    " exchange_order_id TEXT,"
    " order_list_id TEXT,"
    " status TEXT NOT NULL,"
    " side TEXT NOT NULL CHECK (side IN ('buy', 'sell')),"
    " type TEXT NOT NULL,"
    " price TEXT,"
    " stop_price TEXT,"
    " qty TEXT NOT NULL,"
    " filled_qty TEXT,"
    " avg_price TEXT,"
    " commission TEXT,"
    " commission_asset TEXT,"
    " created INTEGER NOT NULL,"
    " updated INTEGER NOT NULL,"
    " FOREIGN KEY (run, trade) REFERENCES trades (run, id));"
    "CREATE INDEX orders_trade ON orders (run, trade);"
    "CREATE INDEX orders_exchange ON orders (exchange_order_id);",
    /* 1 -> 2: the session (agents with names, timeframes and sides; its clocks and ticks) */
    "ALTER TABLE agents ADD COLUMN name TEXT;"
    "ALTER TABLE agents ADD COLUMN timeframe TEXT;"
    "ALTER TABLE agents ADD COLUMN sides TEXT CHECK (sides IN ('long', 'short', 'both'));"
    "CREATE TABLE clocks ("
    " run INTEGER NOT NULL REFERENCES runs (id),"
    " timeframe TEXT NOT NULL,"
    " warm_from INTEGER,"
    " last_bar INTEGER,"
    " fed INTEGER,"
    " balance REAL NOT NULL,"
    " PRIMARY KEY (run, timeframe)) WITHOUT ROWID;"
    "CREATE TABLE ticks ("
    " run INTEGER NOT NULL REFERENCES runs (id),"
    " time INTEGER NOT NULL,"
    " wall INTEGER NOT NULL,"
    " bars INTEGER NOT NULL,"
    " decisions INTEGER NOT NULL,"
    " opened INTEGER NOT NULL,"
    " closed INTEGER NOT NULL,"
    " PRIMARY KEY (run, time)) WITHOUT ROWID;"
    "CREATE INDEX runs_resume ON runs (kind, config_hash, ended);"
    /* trades, legs and decisions rebuilt: a CHECK (x IN (...)) builds a temporary table at every
     * insert and update in SQLite 3.40 (4.2 us a row against 1.6 with the same check as ORs); the
     * decisions' second index is (run, agent, time), which appends to one leaf per agent a bar
     * where (run, agent, symbol) wrote one per symbol. Foreign keys are off while migrating. */
    "CREATE TABLE trades_v2 ("
    " run INTEGER NOT NULL,"
    " id INTEGER NOT NULL,"
    " parent INTEGER,"
    " agent INTEGER NOT NULL,"
    " symbol TEXT NOT NULL,"
    " kind TEXT NOT NULL CHECK (kind = 'real' OR kind = 'sim' OR kind = 'tracked'),"
    " side TEXT NOT NULL CHECK (side = 'long' OR side = 'short'),"
    " signal_time INTEGER NOT NULL,"
    " setup_price REAL,"
    " setup_stop REAL,"
    " setup_target REAL,"
    " setup_rr REAL,"
    " context TEXT NOT NULL,"
    " score REAL NOT NULL,"
    " sim_reasons INTEGER NOT NULL,"
    " state TEXT NOT NULL CHECK (state = 'open' OR state = 'closed' OR state = 'censored'),"
    " open_time INTEGER NOT NULL,"
    " close_time INTEGER,"
    " entry REAL NOT NULL,"
    " init_stop REAL NOT NULL,"
    " stop REAL NOT NULL,"
    " target REAL,"
    " init_size REAL NOT NULL,"
    " size REAL NOT NULL,"
    " fees REAL NOT NULL,"
    " realized REAL NOT NULL,"
    " mark REAL,"
    " pnl REAL,"
    " r REAL,"
    " mae_r REAL,"
    " mfe_r REAL,"
    " exit_reason TEXT NOT NULL,"
    " ambiguous INTEGER NOT NULL,"
    " resolved_by_lower INTEGER NOT NULL,"
    " PRIMARY KEY (run, id),"
    " FOREIGN KEY (run, agent) REFERENCES agents (run, idx),"
    " FOREIGN KEY (run, symbol) REFERENCES series (run, symbol),"
    " FOREIGN KEY (run, parent) REFERENCES trades (run, id));"
    "INSERT INTO trades_v2 SELECT * FROM trades;"
    "DROP TABLE trades;"
    "ALTER TABLE trades_v2 RENAME TO trades;"
    "CREATE INDEX trades_state ON trades (run, state, agent);"
    "CREATE INDEX trades_agent ON trades (run, agent, open_time);"
    "CREATE INDEX trades_symbol ON trades (run, symbol, open_time);"
    "CREATE INDEX trades_parent ON trades (run, parent) WHERE parent IS NOT NULL;"
    "CREATE TABLE legs_v2 ("
    " run INTEGER NOT NULL,"
    " trade INTEGER NOT NULL,"
    " idx INTEGER NOT NULL,"
    " time INTEGER NOT NULL,"
    " action TEXT NOT NULL CHECK (action = 'open' OR action = 'partial' OR action = 'close'),"
    " reason TEXT NOT NULL,"
    " price REAL NOT NULL,"
    " size REAL NOT NULL,"
    " fee REAL NOT NULL,"
    " PRIMARY KEY (run, trade, idx),"
    " FOREIGN KEY (run, trade) REFERENCES trades (run, id)) WITHOUT ROWID;"
    "INSERT INTO legs_v2 SELECT * FROM legs;"
    "DROP TABLE legs;"
    "ALTER TABLE legs_v2 RENAME TO legs;"
    "CREATE TABLE decisions_v2 ("
    " id INTEGER PRIMARY KEY,"
    " run INTEGER NOT NULL REFERENCES runs (id),"
    " time INTEGER NOT NULL,"
    " agent INTEGER NOT NULL,"
    " symbol TEXT NOT NULL,"
    " side TEXT NOT NULL CHECK (side = 'long' OR side = 'short'),"
    " price REAL,"
    " stop REAL,"
    " target REAL,"
    " outcome TEXT NOT NULL CHECK (outcome = 'real' OR outcome = 'sim' OR outcome = 'untradable' OR"
    " outcome = 'held' OR outcome = 'opposite'),"
    " score REAL NOT NULL,"
    " size REAL NOT NULL,"
    " sim_reasons INTEGER NOT NULL,"
    " trade INTEGER,"
    " FOREIGN KEY (run, agent) REFERENCES agents (run, idx),"
    " FOREIGN KEY (run, symbol) REFERENCES series (run, symbol));"
    "INSERT INTO decisions_v2 SELECT * FROM decisions;"
    "DROP TABLE decisions;"
    "ALTER TABLE decisions_v2 RENAME TO decisions;"
    "CREATE INDEX decisions_time ON decisions (run, time);"
    "CREATE INDEX decisions_agent ON decisions (run, agent, time);",
    /* 2 -> 3: the account's exposure at each equity point (NULL in older rows) */
    ("ALTER TABLE equity ADD COLUMN positions INTEGER;"
     "ALTER TABLE equity ADD COLUMN open_r REAL;"),
};

/* ---- the connection and its statements ---- */

enum stmt {
    ST_BEGIN,
    ST_COMMIT,
    ST_ROLLBACK,
    ST_RUN,
    ST_AGENT,
    ST_SERIES,
    ST_RUN_END,
    ST_SYMBOLS,
    ST_TRADE,
    ST_TRADE_STATE,
    ST_LEG,
    ST_DECISION,
    ST_EQUITY,
    ST_READ_TRADES,
    ST_READ_LEGS,
    ST_READ_EQUITY,
    ST_FIND_RUN,
    ST_NEXT_ID,
    ST_CLOCK_PUT,
    ST_CLOCKS,
    ST_TICK,
    ST_COUNT
};

/* Columns of ST_READ_TRADES, in order. */
#define TRADE_COLUMNS                                                                                                  \
    "t.id, t.parent, t.agent, s.idx, t.kind, t.side, t.signal_time, t.setup_price, t.setup_stop, t.setup_target, "     \
    "t.setup_rr, t.context, t.score, t.sim_reasons, t.state, t.open_time, t.close_time, t.entry, t.init_stop, "       \
    "t.stop, t.target, t.init_size, t.size, t.fees, t.realized, t.mark, t.mae_r, t.mfe_r, t.exit_reason, "            \
    "t.ambiguous, t.resolved_by_lower"

static const char *const sql[ST_COUNT] = {
    [ST_BEGIN] = "BEGIN IMMEDIATE",
    [ST_COMMIT] = "COMMIT",
    [ST_ROLLBACK] = "ROLLBACK",
    [ST_RUN] = "INSERT INTO runs (kind, version, config_hash, started, span_from, span_to, timeframe, balance, "
               "fee_rate, bnb, spread, slippage, max_positions, max_open_r, one_per_symbol, track_sims) "
               "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
    [ST_AGENT] = "INSERT INTO agents VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
    [ST_SERIES] = "INSERT INTO series VALUES (?, ?, ?)",
    [ST_RUN_END] = "UPDATE runs SET ended = ? WHERE id = ?",
    [ST_SYMBOLS] = "SELECT idx, symbol FROM series WHERE run = ? ORDER BY idx",
    [ST_TRADE] = "INSERT INTO trades VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, "
                 "?17, ?18, ?19, ?20, ?21, ?22, ?23, ?24, ?25, ?26, ?27, ?28, ?29, ?30, ?31, ?32, ?33, ?34) "
                 "ON CONFLICT (run, id) DO UPDATE SET state = ?16, close_time = ?18, stop = ?21, size = ?24, "
                 "fees = ?25, realized = ?26, mark = ?27, pnl = ?28, r = ?29, mae_r = ?30, mfe_r = ?31, "
                 "exit_reason = ?32, ambiguous = ?33, resolved_by_lower = ?34",
    [ST_TRADE_STATE] = "UPDATE trades SET state = ?16, close_time = ?18, stop = ?21, size = ?24, fees = ?25, "
                       "realized = ?26, mark = ?27, pnl = ?28, r = ?29, mae_r = ?30, mfe_r = ?31, exit_reason = ?32, "
                       "ambiguous = ?33, resolved_by_lower = ?34 WHERE run = ?1 AND id = ?2",
    [ST_LEG] = "INSERT INTO legs VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING",
    [ST_DECISION] = "INSERT INTO decisions (run, time, agent, symbol, side, price, stop, target, outcome, score, size, "
                    "sim_reasons, trade) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
    [ST_EQUITY] = "INSERT INTO equity VALUES (?1, ?2, ?3, ?4, ?5) ON CONFLICT (run, time) DO UPDATE SET equity = ?3,"
                  " positions = ?4, open_r = ?5",
    [ST_READ_TRADES] = "SELECT " TRADE_COLUMNS " FROM trades t JOIN series s ON s.run = t.run AND s.symbol = t.symbol "
                       "WHERE t.run = ?1 AND (?2 < 0 OR t.agent = ?2) AND (?3 = 0 OR t.state = 'open') ORDER BY t.id",
    [ST_READ_LEGS] = "SELECT time, action, reason, price, size, fee FROM legs WHERE run = ? AND trade = ? ORDER BY idx",
    [ST_READ_EQUITY] = "SELECT time, equity FROM equity WHERE run = ? ORDER BY time",
    [ST_FIND_RUN] = "SELECT max(id) FROM runs WHERE kind = ?1 AND config_hash = ?2 AND ended IS NULL",
    [ST_NEXT_ID] = "SELECT coalesce(max(id), 0) + 1 FROM trades WHERE run = ?",
    [ST_CLOCK_PUT] = "INSERT INTO clocks VALUES (?1, ?2, ?3, ?4, ?5, ?6) ON CONFLICT (run, timeframe) DO UPDATE SET "
                     "warm_from = ?3, last_bar = ?4, fed = ?5, balance = ?6",
    [ST_CLOCKS] = "SELECT timeframe, warm_from, last_bar, fed, balance FROM clocks WHERE run = ?",
    [ST_TICK] = "INSERT INTO ticks VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7) ON CONFLICT (run, time) DO UPDATE SET "
                "wall = ?3, bars = bars + ?4, decisions = decisions + ?5, opened = opened + ?6, closed = closed + ?7",
};

struct mt_journal {
    sqlite3 *db;
    char *path; /* for messages */
    int schema;
    sqlite3_stmt *st[ST_COUNT];
    bool in_tick;
    /* the sink's run and its series' symbols */
    int64_t run;
    size_t ns;
    char **symbols;
    /* Trades whose last state (a stop move, a new MAE/MFE) is not written yet:
     * written once at the commit, at the trade's next open/fill/close, or
     * before a read, instead of once per event. dirty_at is an open-addressing
     * table (capacity a power of two, 0 = empty) of index + 1 into dirty by id. */
    struct mt_position *dirty;
    size_t n_dirty, cap_dirty;
    uint32_t *dirty_at;
    size_t cap_at;
};

static const char *const kind_names[] = {"real", "sim", "tracked"};
static const char *const run_kind_names[] = {"backtest", "replay", "paper", "live"};
static const char *const action_names[] = {"open", "partial", "close"};
static const char *const outcome_names[] = {"real", "sim", "untradable", "held", "opposite"};

/* MT_EIO naming the journal, the step and SQLite's message. */
static int sql_fail(struct mt_journal *j, const char *step, struct mt_err *err)
{
    return mt_err_set(err, MT_EIO, "journal %s: %s: %s", j->path, step, sqlite3_errmsg(j->db));
}

static int exec(struct mt_journal *j, const char *what, const char *text, struct mt_err *err)
{
    char *msg = NULL;
    if (sqlite3_exec(j->db, text, NULL, NULL, &msg) == SQLITE_OK)
        return 0;
    int rc = mt_err_set(err, MT_EIO, "journal %s: %s: %s", j->path, what, msg ? msg : sqlite3_errmsg(j->db));
    sqlite3_free(msg);
    return rc;
}

/* The cached statement k, reset and unbound. */
static sqlite3_stmt *stmt(struct mt_journal *j, enum stmt k)
{
    sqlite3_stmt *s = j->st[k];
    sqlite3_reset(s);
    sqlite3_clear_bindings(s);
    return s;
}

/* Runs statement s (no rows wanted) for step `what`. */
static int done(struct mt_journal *j, sqlite3_stmt *s, const char *what, struct mt_err *err)
{
    int rc = sqlite3_step(s);
    if (rc != SQLITE_DONE) {
        /* the statement's error, before reset forgets nothing of it */
        rc = sql_fail(j, what, err);
        sqlite3_reset(s);
        return rc;
    }
    sqlite3_reset(s);
    return 0;
}

/* NaN is NULL (SQLite would store NULL anyway; say so). */
static void bind_real(sqlite3_stmt *s, int k, double v)
{
    if (isnan(v))
        sqlite3_bind_null(s, k);
    else
        sqlite3_bind_double(s, k, v);
}

static void bind_text(sqlite3_stmt *s, int k, const char *v)
{
    if (v)
        sqlite3_bind_text(s, k, v, -1, SQLITE_STATIC);
    else
        sqlite3_bind_null(s, k);
}

static double col_real(sqlite3_stmt *s, int k)
{
    return sqlite3_column_type(s, k) == SQLITE_NULL ? NAN : sqlite3_column_double(s, k);
}

static const char *col_text(sqlite3_stmt *s, int k)
{
    const unsigned char *v = sqlite3_column_text(s, k);
    return v ? (const char *)v : "";
}

/* Index of name in names[0 .. n), or -1. */
static int lookup(const char *const *names, int n, const char *name)
{
    for (int k = 0; k < n; k++)
        if (strcmp(names[k], name) == 0)
            return k;
    return -1;
}

/* ---- open and close ---- */

/* Runs the missing migrations; *from gets the version the file had. */
static int migrate(struct mt_journal *j, int *from, struct mt_err *err)
{
    sqlite3_stmt *s;
    if (sqlite3_prepare_v2(j->db, "PRAGMA user_version", -1, &s, NULL) != SQLITE_OK)
        return sql_fail(j, "reading the schema version", err);
    int rc = sqlite3_step(s);
    j->schema = rc == SQLITE_ROW ? sqlite3_column_int(s, 0) : -1;
    sqlite3_finalize(s);
    if (j->schema < 0)
        return sql_fail(j, "reading the schema version", err);
    *from = j->schema;
    if (j->schema > MT_JOURNAL_SCHEMA)
        return mt_err_set(err, MT_EFORMAT,
                          "journal %s: schema version %d is newer than this mtrader's %d (use a newer mtrader)",
                          j->path, j->schema, MT_JOURNAL_SCHEMA);
    while (j->schema < MT_JOURNAL_SCHEMA) {
        char step[64], bump[48];
        snprintf(step, sizeof step, "migration %d -> %d", j->schema, j->schema + 1);
        snprintf(bump, sizeof bump, "PRAGMA user_version = %d", j->schema + 1);
        if ((rc = exec(j, step, "BEGIN IMMEDIATE", err)))
            return rc;
        if ((rc = exec(j, step, migrations[j->schema], err)) || (rc = exec(j, step, bump, err)) ||
            (rc = exec(j, step, "COMMIT", err))) {
            sqlite3_exec(j->db, "ROLLBACK", NULL, NULL, NULL);
            return rc;
        }
        j->schema++;
    }
    return 0;
}

/* After a migration (check): PRAGMA foreign_key_check finds nothing; then
 * foreign_keys = ON. MT_EFORMAT naming the first violation. */
static int foreign_keys_on(struct mt_journal *j, bool check, struct mt_err *err)
{
    if (!check)
        return exec(j, "setting foreign_keys", "PRAGMA foreign_keys = ON", err);
    sqlite3_stmt *s;
    if (sqlite3_prepare_v2(j->db, "PRAGMA foreign_key_check", -1, &s, NULL) != SQLITE_OK)
        return sql_fail(j, "checking foreign keys", err);
    int step = sqlite3_step(s), rc = 0;
    if (step == SQLITE_ROW)
        rc = mt_err_set(err, MT_EFORMAT, "journal %s: a row of table %s refers to a missing row of %s", j->path,
                        col_text(s, 0), col_text(s, 2));
    else if (step != SQLITE_DONE)
        rc = sql_fail(j, "checking foreign keys", err);
    sqlite3_finalize(s);
    return rc ? rc : exec(j, "setting foreign_keys", "PRAGMA foreign_keys = ON", err);
}

int mt_journal_open(const char *path, struct mt_journal **out, struct mt_err *err)
{
    *out = NULL;
    struct mt_journal *j = calloc(1, sizeof *j);
    if (!j || !(j->path = strdup(path))) {
        free(j);
        return mt_err_set(err, MT_ENOMEM, "journal %s: out of memory", path);
    }
    int rc = 0;
    if (sqlite3_open_v2(path, &j->db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, NULL) != SQLITE_OK)
        rc = j->db ? sql_fail(j, "opening", err) : mt_err_set(err, MT_ENOMEM, "journal %s: out of memory", path);
    if (rc == 0 && sqlite3_busy_timeout(j->db, MT_JOURNAL_BUSY_MS) != SQLITE_OK)
        rc = sql_fail(j, "setting busy_timeout", err);
    if (rc == 0) {
        /* journal_mode answers with the mode in force: a read-only file stays in its own */
        sqlite3_stmt *s = NULL;
        if (sqlite3_prepare_v2(j->db, "PRAGMA journal_mode = WAL", -1, &s, NULL) != SQLITE_OK ||
            sqlite3_step(s) != SQLITE_ROW)
            rc = sql_fail(j, "setting WAL mode", err);
        else if (strcmp(col_text(s, 0), "wal") != 0)
            rc = mt_err_set(err, MT_EIO, "journal %s: WAL mode refused (journal_mode is %s)", path, col_text(s, 0));
        sqlite3_finalize(s);
    }
    if (rc == 0)
        rc = exec(j, "setting synchronous", "PRAGMA synchronous = NORMAL", err);
    /* a session commits every bar: checkpoint (and sync) the WAL every 32 MB rather than every 4 */
    if (rc == 0)
        rc = exec(j, "setting wal_autocheckpoint", "PRAGMA wal_autocheckpoint = " MT_STR(MT_JOURNAL_CHECKPOINT_PAGES),
                  err);
    /* migrations run with foreign keys off (a table rebuild drops a table others refer to);
     * the file must then pass the check before they are on for good */
    int before = 0;
    if (rc == 0)
        rc = migrate(j, &before, err);
    if (rc == 0)
        rc = foreign_keys_on(j, before != j->schema, err);
    for (int k = 0; k < ST_COUNT && rc == 0; k++)
        if (sqlite3_prepare_v3(j->db, sql[k], -1, SQLITE_PREPARE_PERSISTENT, &j->st[k], NULL) != SQLITE_OK)
            rc = sql_fail(j, "preparing statements", err);
    if (rc == MT_EIO && j->db && sqlite3_errcode(j->db) == SQLITE_NOTADB) {
        rc = MT_EFORMAT; /* not a database: the file, not the disk */
        if (err)
            err->code = rc;
    }
    if (rc) {
        mt_journal_close(j);
        return rc;
    }
    *out = j;
    return 0;
}

static void free_symbols(struct mt_journal *j)
{
    for (size_t s = 0; s < j->ns; s++)
        free(j->symbols[s]);
    free(j->symbols);
    j->symbols = NULL;
    j->ns = 0;
}

void mt_journal_close(struct mt_journal *j)
{
    if (!j)
        return;
    if (j->in_tick)
        sqlite3_exec(j->db, "ROLLBACK", NULL, NULL, NULL);
    for (int k = 0; k < ST_COUNT; k++)
        sqlite3_finalize(j->st[k]);
    sqlite3_close(j->db);
    free_symbols(j);
    free(j->dirty);
    free(j->dirty_at);
    free(j->path);
    free(j);
}

int mt_journal_schema(const struct mt_journal *j)
{
    return j->schema;
}

/* ---- runs ---- */

int mt_journal_run_begin(struct mt_journal *j, const struct mt_journal_run *run, int64_t *run_id,
                         struct mt_err *err)
{
    if (run->na == 0 || run->ns == 0)
        return mt_err_set(err, MT_EINVAL, "journal %s: a run needs agents and series", j->path);
    assert((unsigned)run->kind < sizeof run_kind_names / sizeof run_kind_names[0]);
    sqlite3_stmt *s = stmt(j, ST_RUN);
    bind_text(s, 1, run_kind_names[run->kind]);
    bind_text(s, 2, run->version);
    bind_text(s, 3, run->config_hash);
    sqlite3_bind_int64(s, 4, run->started);
    if (run->from != INT64_MIN)
        sqlite3_bind_int64(s, 5, run->from);
    if (run->to != INT64_MAX)
        sqlite3_bind_int64(s, 6, run->to);
    bind_text(s, 7, run->tfs_text ? run->tfs_text : mt_tf_name(run->tf));
    bind_real(s, 8, run->balance);
    bind_real(s, 9, run->costs.fee_rate);
    sqlite3_bind_int(s, 10, run->costs.bnb);
    bind_real(s, 11, run->costs.spread);
    bind_real(s, 12, run->costs.slippage);
    sqlite3_bind_int(s, 13, run->limits.max_positions);
    bind_real(s, 14, run->limits.max_open_r);
    sqlite3_bind_int(s, 15, run->one_per_symbol);
    sqlite3_bind_int(s, 16, run->track_sims);
    int rc = done(j, s, "inserting a run", err);
    if (rc)
        return rc;
    int64_t id = sqlite3_last_insert_rowid(j->db);
    for (size_t a = 0; a < run->na && rc == 0; a++) {
        const struct mt_engine_agent *ag = &run->agents[a];
        s = stmt(j, ST_AGENT);
        sqlite3_bind_int64(s, 1, id);
        sqlite3_bind_int64(s, 2, (int64_t)a);
        bind_text(s, 3, ag->strategy_id);
        bind_real(s, 4, ag->rules.tp_at_r);
        bind_real(s, 5, ag->rules.tp_fraction);
        bind_real(s, 6, ag->rules.tp_full_value);
        sqlite3_bind_int64(s, 7, ag->rules.stale_ms);
        bind_real(s, 8, ag->rules.stale_below_r);
        bind_real(s, 9, ag->limits.risk);
        bind_real(s, 10, ag->limits.max_notional);
        bind_real(s, 11, ag->limits.min_notional);
        sqlite3_bind_int(s, 12, ag->limits.max_positions);
        bind_real(s, 13, ag->limits.max_open_r);
        bind_real(s, 14, ag->limits.min_score);
        bind_text(s, 15, run->agent_names ? run->agent_names[a] : NULL);
        bind_text(s, 16, mt_tf_name(run->agent_tfs ? run->agent_tfs[a] : run->tf));
        unsigned sides = ag->sides ? ag->sides : MT_SIDES_BOTH;
        bind_text(s, 17, sides == MT_SIDES_BOTH ? "both" : sides == MT_SIDES_LONG ? "long" : "short");
        rc = done(j, s, "inserting an agent", err);
    }
    for (size_t k = 0; k < run->ns && rc == 0; k++) {
        s = stmt(j, ST_SERIES);
        sqlite3_bind_int64(s, 1, id);
        sqlite3_bind_int64(s, 2, (int64_t)k);
        bind_text(s, 3, run->symbols[k]);
        rc = done(j, s, "inserting a series", err);
    }
    if (rc == 0)
        *run_id = id;
    return rc;
}

int mt_journal_run_end(struct mt_journal *j, int64_t run_id, int64_t ended, struct mt_err *err)
{
    sqlite3_stmt *s = stmt(j, ST_RUN_END);
    sqlite3_bind_int64(s, 1, ended);
    sqlite3_bind_int64(s, 2, run_id);
    int rc = done(j, s, "ending a run", err);
    if (rc == 0 && sqlite3_changes(j->db) == 0)
        rc = mt_err_set(err, MT_ENOENT, "journal %s: no run %lld", j->path, (long long)run_id);
    return rc;
}

/* ---- ticks ---- */

int mt_journal_begin_tick(struct mt_journal *j, struct mt_err *err)
{
    if (j->in_tick)
        return mt_err_set(err, MT_EINVAL, "journal %s: a tick is open already", j->path);
    int rc = done(j, stmt(j, ST_BEGIN), "beginning a tick", err);
    j->in_tick = rc == 0;
    return rc;
}

static int flush_dirty(struct mt_journal *j, struct mt_err *err);

int mt_journal_commit_tick(struct mt_journal *j, struct mt_err *err)
{
    if (!j->in_tick)
        return mt_err_set(err, MT_EINVAL, "journal %s: no tick to commit", j->path);
    int rc = flush_dirty(j, err);
    if (rc)
        return rc;
    rc = done(j, stmt(j, ST_COMMIT), "committing a tick", err);
    j->in_tick = sqlite3_get_autocommit(j->db) == 0;
    return rc;
}

int mt_journal_rollback_tick(struct mt_journal *j, struct mt_err *err)
{
    if (!j->in_tick)
        return mt_err_set(err, MT_EINVAL, "journal %s: no tick to roll back", j->path);
    int rc = sqlite3_get_autocommit(j->db) ? 0 : done(j, stmt(j, ST_ROLLBACK), "rolling back a tick", err);
    j->in_tick = false;
    j->n_dirty = 0; /* rolled back with the rest of the tick */
    if (j->dirty_at)
        memset(j->dirty_at, 0, j->cap_at * sizeof *j->dirty_at);
    return rc;
}

/* ---- the sink ---- */

static const char *side_name(int side)
{
    return side > 0 ? "long" : "short";
}

/* The setup's context values as a JSON array (NaN: null) into buf. */
static void context_json(const struct mt_setup *x, char *buf, size_t size)
{
    assert(x->n_context >= 0 && x->n_context <= MT_SETUP_CONTEXT);
    size_t n = (size_t)snprintf(buf, size, "[");
    for (int k = 0; k < x->n_context && n < size; k++) {
        char v[32];
        const char *text = isnan(x->context[k]) ? "null" : mt_fmt_double(x->context[k], v, sizeof v);
        n += (size_t)snprintf(buf + n, size - n, "%s%s", k ? "," : "", text);
    }
    if (n < size)
        snprintf(buf + n, size - n, "]");
}

/* Binds the columns of p that change while it is followed to s: state ?16,
 * close_time ?18, stop ?21, size ?24, fees ?25, realized ?26, mark ?27,
 * pnl ?28, r ?29, mae_r ?30, mfe_r ?31, exit_reason ?32, ambiguous ?33,
 * resolved_by_lower ?34, and run ?1, id ?2. */
static void bind_state(struct mt_journal *j, sqlite3_stmt *s, const struct mt_position *p)
{
    const struct mt_trade *t = &p->trade;
    sqlite3_bind_int64(s, 1, j->run);
    sqlite3_bind_int64(s, 2, (int64_t)p->id);
    bind_text(s, 16, t->exit == MT_EXIT_NONE ? "open" : t->exit == MT_EXIT_CENSORED ? "censored" : "closed");
    if (t->exit != MT_EXIT_NONE)
        sqlite3_bind_int64(s, 18, t->close_time);
    else
        sqlite3_bind_null(s, 18);
    bind_real(s, 21, t->stop);
    bind_real(s, 24, t->size);
    bind_real(s, 25, t->fees);
    bind_real(s, 26, t->realized);
    bind_real(s, 27, t->mark);
    bind_real(s, 28, mt_trade_pnl(t));
    bind_real(s, 29, mt_trade_r(t));
    bind_real(s, 30, t->mae_r);
    bind_real(s, 31, t->mfe_r);
    bind_text(s, 32, mt_exit_name(t->exit));
    sqlite3_bind_int(s, 33, t->ambiguous);
    sqlite3_bind_int(s, 34, t->resolved_by_lower);
}

/* Writes trade p: the whole row when it is new (insert), else only what
 * changes while it is followed (the row must exist). */
static int write_trade(struct mt_journal *j, const struct mt_position *p, bool insert, struct mt_err *err)
{
    char what[64];
    snprintf(what, sizeof what, "%s trade %llu", insert ? "inserting" : "updating", (unsigned long long)p->id);
    if (!insert) {
        sqlite3_stmt *u = stmt(j, ST_TRADE_STATE);
        bind_state(j, u, p);
        int rc = done(j, u, what, err);
        if (rc == 0 && sqlite3_changes(j->db) != 1)
            rc = mt_err_set(err, MT_EINVAL, "journal %s: trade %llu of run %lld is not journalled", j->path,
                            (unsigned long long)p->id, (long long)j->run);
        return rc;
    }
    const struct mt_trade *t = &p->trade;
    sqlite3_stmt *s = stmt(j, ST_TRADE);
    char ctx[MT_SETUP_CONTEXT * 32 + 8];
    context_json(&p->setup, ctx, sizeof ctx);
    bind_state(j, s, p);
    if (p->parent)
        sqlite3_bind_int64(s, 3, (int64_t)p->parent);
    sqlite3_bind_int64(s, 4, p->agent);
    bind_text(s, 5, j->symbols[p->series]);
    bind_text(s, 6, kind_names[t->kind]);
    bind_text(s, 7, side_name(t->side));
    sqlite3_bind_int64(s, 8, p->setup.time);
    bind_real(s, 9, p->setup.price);
    bind_real(s, 10, p->setup.stop);
    bind_real(s, 11, p->setup.target);
    bind_real(s, 12, p->setup.rr);
    sqlite3_bind_text(s, 13, ctx, -1, SQLITE_TRANSIENT);
    bind_real(s, 14, p->score);
    sqlite3_bind_int64(s, 15, p->sim_reasons);
    sqlite3_bind_int64(s, 17, t->open_time);
    bind_real(s, 19, t->entry);
    bind_real(s, 20, t->init_stop);
    bind_real(s, 22, t->target);
    bind_real(s, 23, t->init_size);
    return done(j, s, what, err);
}

/* Inserts the legs of p the journal does not have yet. */
static int insert_legs(struct mt_journal *j, const struct mt_position *p, struct mt_err *err)
{
    for (size_t g = 0; g < p->trade.n_legs; g++) {
        const struct mt_leg *l = &p->trade.legs[g];
        sqlite3_stmt *s = stmt(j, ST_LEG);
        sqlite3_bind_int64(s, 1, j->run);
        sqlite3_bind_int64(s, 2, (int64_t)p->id);
        sqlite3_bind_int64(s, 3, (int64_t)g);
        sqlite3_bind_int64(s, 4, l->time);
        bind_text(s, 5, action_names[l->action]);
        bind_text(s, 6, mt_exit_name(l->reason));
        bind_real(s, 7, l->price);
        bind_real(s, 8, l->size);
        bind_real(s, 9, l->fee);
        char what[64];
        snprintf(what, sizeof what, "inserting leg %zu of trade %llu", g, (unsigned long long)p->id);
        int rc = done(j, s, what, err);
        if (rc)
            return rc;
    }
    return 0;
}

/* The slot of trade id in dirty_at: its entry, or the empty one where it would go. */
static size_t dirty_probe(const struct mt_journal *j, mt_trade_id id)
{
    size_t mask = j->cap_at - 1, k = (size_t)(id * UINT64_C(0x9E3779B97F4A7C15) >> 17) & mask;
    while (j->dirty_at[k] && j->dirty[j->dirty_at[k] - 1].id != id)
        k = (k + 1) & mask;
    return k;
}

/* Keeps p's state to be written later, replacing an older one of the same trade. */
static int mark_dirty(struct mt_journal *j, const struct mt_position *p, struct mt_err *err)
{
    if (j->n_dirty + 1 > j->cap_at / 2) { /* keep the table at most half full: rebuild it twice as large */
        size_t cap = j->cap_at ? 2 * j->cap_at : 64;
        uint32_t *at = calloc(cap, sizeof *at);
        if (!at)
            return mt_err_set(err, MT_ENOMEM, "journal %s: out of memory", j->path);
        free(j->dirty_at);
        j->dirty_at = at;
        j->cap_at = cap;
        for (size_t i = 0; i < j->n_dirty; i++)
            j->dirty_at[dirty_probe(j, j->dirty[i].id)] = (uint32_t)(i + 1);
    }
    size_t k = dirty_probe(j, p->id);
    if (j->dirty_at[k]) {
        j->dirty[j->dirty_at[k] - 1] = *p;
        return 0;
    }
    struct mt_position *v = mt_grow(j->dirty, &j->cap_dirty, j->n_dirty, sizeof *v, 64);
    if (!v)
        return mt_err_set(err, MT_ENOMEM, "journal %s: out of memory", j->path);
    j->dirty = v;
    j->dirty[j->n_dirty++] = *p;
    j->dirty_at[k] = (uint32_t)j->n_dirty;
    return 0;
}

/* Writes every trade kept by mark_dirty, once, and forgets them. */
static int flush_dirty(struct mt_journal *j, struct mt_err *err)
{
    int rc = 0;
    for (size_t i = 0; i < j->n_dirty && rc == 0; i++)
        if (j->dirty[i].id) /* 0: written since by its own event */
            rc = write_trade(j, &j->dirty[i], false, err);
    j->n_dirty = 0;
    if (j->dirty_at)
        memset(j->dirty_at, 0, j->cap_at * sizeof *j->dirty_at);
    return rc;
}

static int sink_trade(void *ctx, enum mt_trade_event ev, const struct mt_position *p, struct mt_err *err)
{
    struct mt_journal *j = ctx;
    assert(p->series < j->ns && p->id != 0);
    if (ev == MT_EV_STOP || ev == MT_EV_EXCURSION)
        return mark_dirty(j, p, err);
    if (j->cap_at) { /* this event writes the trade's state now: a kept older one must not follow it */
        size_t k = dirty_probe(j, p->id);
        if (j->dirty_at[k])
            j->dirty[j->dirty_at[k] - 1].id = 0;
    }
    int rc = write_trade(j, p, ev == MT_EV_OPEN, err);
    return rc ? rc : insert_legs(j, p, err);
}

static int sink_decision(void *ctx, const struct mt_decision *d, struct mt_err *err)
{
    struct mt_journal *j = ctx;
    assert(d->series < j->ns);
    sqlite3_stmt *s = stmt(j, ST_DECISION);
    sqlite3_bind_int64(s, 1, j->run);
    sqlite3_bind_int64(s, 2, d->time);
    sqlite3_bind_int64(s, 3, d->agent);
    bind_text(s, 4, j->symbols[d->series]);
    bind_text(s, 5, side_name(d->setup->side));
    bind_real(s, 6, d->setup->price);
    bind_real(s, 7, d->setup->stop);
    bind_real(s, 8, d->setup->target);
    bind_text(s, 9, outcome_names[d->outcome]);
    bind_real(s, 10, d->score);
    bind_real(s, 11, d->size);
    sqlite3_bind_int64(s, 12, d->sim_reasons);
    if (d->trade)
        sqlite3_bind_int64(s, 13, (int64_t)d->trade);
    return done(j, s, "inserting a decision", err);
}

static int sink_equity(void *ctx, int64_t time, double equity, const struct mt_exposure *x, struct mt_err *err)
{
    struct mt_journal *j = ctx;
    sqlite3_stmt *s = stmt(j, ST_EQUITY);
    sqlite3_bind_int64(s, 1, j->run);
    sqlite3_bind_int64(s, 2, time);
    bind_real(s, 3, equity);
    sqlite3_bind_int64(s, 4, x->positions);
    bind_real(s, 5, x->open_r);
    return done(j, s, "inserting an equity point", err);
}

/* Loads run_id's series symbols into j->symbols / j->ns. MT_ENOENT for an unknown run. */
static int load_symbols(struct mt_journal *j, int64_t run_id, struct mt_err *err)
{
    if (j->ns && j->run == run_id)
        return 0; /* loaded: a run's series never change */
    free_symbols(j);
    j->run = 0; /* no run's (ids start at 1) until this load succeeds */
    sqlite3_stmt *s = stmt(j, ST_SYMBOLS);
    sqlite3_bind_int64(s, 1, run_id);
    int rc, step;
    size_t cap = 0;
    while ((step = sqlite3_step(s)) == SQLITE_ROW) {
        char **v = mt_grow(j->symbols, &cap, j->ns, sizeof *v, 16);
        if (!v) {
            sqlite3_reset(s);
            return mt_err_set(err, MT_ENOMEM, "journal %s: out of memory", j->path);
        }
        j->symbols = v;
        assert(sqlite3_column_int64(s, 0) == (int64_t)j->ns);
        if (!(j->symbols[j->ns] = strdup(col_text(s, 1)))) {
            sqlite3_reset(s);
            return mt_err_set(err, MT_ENOMEM, "journal %s: out of memory", j->path);
        }
        j->ns++;
    }
    rc = step == SQLITE_DONE ? 0 : sql_fail(j, "reading the series of a run", err);
    sqlite3_reset(s);
    if (rc == 0 && j->ns == 0)
        rc = mt_err_set(err, MT_ENOENT, "journal %s: no run %lld", j->path, (long long)run_id);
    return rc;
}

int mt_journal_run_symbols(struct mt_journal *j, int64_t run_id, const char *const **symbols, size_t *n,
                           struct mt_err *err)
{
    int rc = load_symbols(j, run_id, err);
    if (rc == 0) {
        j->run = run_id;
        *symbols = (const char *const *)j->symbols;
        *n = j->ns;
    }
    return rc;
}

int mt_journal_sink(struct mt_journal *j, int64_t run_id, struct mt_sink *out, struct mt_err *err)
{
    int rc = load_symbols(j, run_id, err);
    if (rc)
        return rc;
    j->run = run_id;
    *out = (struct mt_sink){.decision = sink_decision, .trade = sink_trade, .equity = sink_equity, .ctx = j,
                            .updates = true};
    return 0;
}

/* ---- reading back ---- */

/* Reads the context JSON array text into x (at most MT_SETUP_CONTEXT values). */
static int parse_context(const char *text, struct mt_setup *x)
{
    x->n_context = 0;
    const char *p = text;
    if (*p++ != '[')
        return -1;
    while (*p && *p != ']') {
        if (x->n_context == MT_SETUP_CONTEXT)
            return -1;
        double v = NAN;
        if (strncmp(p, "null", 4) == 0) {
            p += 4;
        } else {
            char *end;
            errno = 0;
            v = strtod(p, &end);
            if (end == p || errno == ERANGE)
                return -1;
            p = end;
        }
        x->context[x->n_context++] = v;
        if (*p == ',')
            p++;
    }
    return *p == ']' && p[1] == '\0' ? 0 : -1;
}

static int read_legs(struct mt_journal *j, int64_t run_id, struct mt_position *p, struct mt_err *err)
{
    sqlite3_stmt *s = stmt(j, ST_READ_LEGS);
    sqlite3_bind_int64(s, 1, run_id);
    sqlite3_bind_int64(s, 2, (int64_t)p->id);
    struct mt_trade *t = &p->trade;
    t->n_legs = 0;
    int step, rc = 0;
    while (rc == 0 && (step = sqlite3_step(s)) == SQLITE_ROW) {
        int action = lookup(action_names, 3, col_text(s, 1));
        int reason = -1;
        for (int e = MT_EXIT_NONE; e <= MT_EXIT_CENSORED && reason < 0; e++)
            if (strcmp(mt_exit_name((enum mt_exit)e), col_text(s, 2)) == 0)
                reason = e;
        if (t->n_legs == MT_TRADE_MAX_LEGS || action < 0 || reason < 0) {
            rc = mt_err_set(err, MT_EFORMAT, "journal %s: run %lld trade %llu: bad leg %zu", j->path,
                            (long long)run_id, (unsigned long long)p->id, t->n_legs);
            break;
        }
        t->legs[t->n_legs++] = (struct mt_leg){sqlite3_column_int64(s, 0), (enum mt_leg_action)action,
                                               (enum mt_exit)reason, col_real(s, 3), col_real(s, 4), col_real(s, 5)};
    }
    if (rc == 0 && step != SQLITE_DONE)
        rc = sql_fail(j, "reading legs", err);
    sqlite3_reset(s);
    return rc;
}

/* The trade of the current row of ST_READ_TRADES into p (its legs read after). */
static int read_trade(struct mt_journal *j, int64_t run_id, sqlite3_stmt *s, struct mt_position *p,
                      struct mt_err *err)
{
    memset(p, 0, sizeof *p);
    struct mt_trade *t = &p->trade;
    p->id = (mt_trade_id)sqlite3_column_int64(s, 0);
    p->parent = (mt_trade_id)sqlite3_column_int64(s, 1);
    p->agent = (uint32_t)sqlite3_column_int64(s, 2);
    p->series = (uint32_t)sqlite3_column_int64(s, 3);
    int kind = lookup(kind_names, 3, col_text(s, 4));
    const char *side = col_text(s, 5);
    p->setup.time = sqlite3_column_int64(s, 6);
    p->setup.side = strcmp(side, "long") == 0 ? 1 : -1;
    p->setup.price = col_real(s, 7);
    p->setup.stop = col_real(s, 8);
    p->setup.target = col_real(s, 9);
    p->setup.rr = col_real(s, 10);
    int ctx_ok = parse_context(col_text(s, 11), &p->setup);
    p->score = col_real(s, 12);
    p->sim_reasons = (unsigned)sqlite3_column_int64(s, 13);
    const char *state = col_text(s, 14);
    t->open_time = sqlite3_column_int64(s, 15);
    t->close_time = sqlite3_column_int64(s, 16);
    t->entry = col_real(s, 17);
    t->init_stop = col_real(s, 18);
    t->stop = col_real(s, 19);
    t->target = col_real(s, 20);
    t->init_size = col_real(s, 21);
    t->size = col_real(s, 22);
    t->fees = col_real(s, 23);
    t->realized = col_real(s, 24);
    t->mark = col_real(s, 25);
    t->mae_r = col_real(s, 26);
    t->mfe_r = col_real(s, 27);
    int reason = -1;
    for (int e = MT_EXIT_NONE; e <= MT_EXIT_CENSORED && reason < 0; e++)
        if (strcmp(mt_exit_name((enum mt_exit)e), col_text(s, 28)) == 0)
            reason = e;
    t->ambiguous = sqlite3_column_int(s, 29) != 0;
    t->resolved_by_lower = sqlite3_column_int(s, 30) != 0;
    if (kind < 0 || reason < 0 || ctx_ok)
        return mt_err_set(err, MT_EFORMAT, "journal %s: run %lld trade %llu: bad kind, exit reason or context",
                          j->path, (long long)run_id, (unsigned long long)p->id);
    t->kind = (enum mt_trade_kind)kind;
    t->side = p->setup.side > 0 ? MT_LONG : MT_SHORT;
    t->exit = (enum mt_exit)reason;
    t->open = strcmp(state, "closed") != 0; /* held while followed and when censored */
    return read_legs(j, run_id, p, err);
}

static int read_trades(struct mt_journal *j, int64_t run_id, int64_t agent, bool open_only, struct mt_position **out,
                       size_t *n, struct mt_err *err)
{
    *out = NULL;
    *n = 0;
    int flushed = flush_dirty(j, err); /* a read sees the latest state */
    if (flushed)
        return flushed;
    sqlite3_stmt *s = stmt(j, ST_READ_TRADES);
    sqlite3_bind_int64(s, 1, run_id);
    sqlite3_bind_int64(s, 2, agent);
    sqlite3_bind_int(s, 3, open_only);
    struct mt_position *v = NULL;
    size_t cap = 0, k = 0;
    int rc = 0, step;
    /* ST_READ_LEGS runs while this statement is stepped: a second statement, same connection */
    while (rc == 0 && (step = sqlite3_step(s)) == SQLITE_ROW) {
        if (k == cap && cap >= MT_JOURNAL_MAX_ROWS) {
            rc = mt_err_set(err, MT_ELIMIT, "journal %s: run %lld has more than %u trades", j->path,
                            (long long)run_id, (unsigned)MT_JOURNAL_MAX_ROWS);
            break;
        }
        struct mt_position *w = mt_grow(v, &cap, k, sizeof *w, 64);
        if (!w) {
            rc = mt_err_set(err, MT_ENOMEM, "journal %s: out of memory for %zu trades", j->path, k + 1);
            break;
        }
        v = w;
        rc = read_trade(j, run_id, s, &v[k], err);
        k += rc == 0;
    }
    if (rc == 0 && step != SQLITE_DONE)
        rc = sql_fail(j, "reading trades", err);
    sqlite3_reset(s);
    if (rc) {
        free(v);
        return rc;
    }
    *out = v;
    *n = k;
    return 0;
}

int mt_journal_open_trades(struct mt_journal *j, int64_t run_id, int64_t agent, struct mt_position **out, size_t *n,
                           struct mt_err *err)
{
    return read_trades(j, run_id, agent, true, out, n, err);
}

int mt_journal_trades(struct mt_journal *j, int64_t run_id, struct mt_position **out, size_t *n, struct mt_err *err)
{
    return read_trades(j, run_id, -1, false, out, n, err);
}

int mt_journal_equity(struct mt_journal *j, int64_t run_id, struct mt_equity_point **out, size_t *n,
                      struct mt_err *err)
{
    *out = NULL;
    *n = 0;
    sqlite3_stmt *s = stmt(j, ST_READ_EQUITY);
    sqlite3_bind_int64(s, 1, run_id);
    struct mt_equity_point *v = NULL;
    size_t cap = 0, k = 0;
    int rc = 0, step;
    while (rc == 0 && (step = sqlite3_step(s)) == SQLITE_ROW) {
        struct mt_equity_point *w = k < MT_JOURNAL_MAX_ROWS ? mt_grow(v, &cap, k, sizeof *w, 1024) : NULL;
        if (!w) {
            rc = mt_err_set(err, k < MT_JOURNAL_MAX_ROWS ? MT_ENOMEM : MT_ELIMIT,
                            "journal %s: no room for %zu equity points of run %lld", j->path, k + 1,
                            (long long)run_id);
            break;
        }
        v = w;
        v[k++] = (struct mt_equity_point){sqlite3_column_int64(s, 0), col_real(s, 1)};
    }
    if (rc == 0 && step != SQLITE_DONE)
        rc = sql_fail(j, "reading the equity curve", err);
    sqlite3_reset(s);
    if (rc) {
        free(v);
        return rc;
    }
    *out = v;
    *n = k;
    return 0;
}

/* ---- the session's state ---- */

int mt_journal_find_run(struct mt_journal *j, enum mt_run_kind kind, const char *config_hash, int64_t *run_id,
                        struct mt_err *err)
{
    assert((unsigned)kind < sizeof run_kind_names / sizeof run_kind_names[0] && config_hash);
    sqlite3_stmt *s = stmt(j, ST_FIND_RUN);
    bind_text(s, 1, run_kind_names[kind]);
    bind_text(s, 2, config_hash);
    int step = sqlite3_step(s);
    int rc = step == SQLITE_ROW ? 0 : sql_fail(j, "finding a run", err);
    bool none = rc == 0 && sqlite3_column_type(s, 0) == SQLITE_NULL;
    if (rc == 0 && !none)
        *run_id = sqlite3_column_int64(s, 0);
    sqlite3_reset(s);
    if (none)
        rc = mt_err_set(err, MT_ENOENT, "journal %s: no unfinished %s run of configuration %s", j->path,
                        run_kind_names[kind], config_hash);
    return rc;
}

int mt_journal_next_trade_id(struct mt_journal *j, int64_t run_id, mt_trade_id *id, struct mt_err *err)
{
    sqlite3_stmt *s = stmt(j, ST_NEXT_ID);
    sqlite3_bind_int64(s, 1, run_id);
    int rc = sqlite3_step(s) == SQLITE_ROW ? 0 : sql_fail(j, "reading the next trade id", err);
    if (rc == 0)
        *id = (mt_trade_id)sqlite3_column_int64(s, 0);
    sqlite3_reset(s);
    return rc;
}

int mt_journal_clock_put(struct mt_journal *j, int64_t run_id, const struct mt_journal_clock *c, struct mt_err *err)
{
    sqlite3_stmt *s = stmt(j, ST_CLOCK_PUT);
    sqlite3_bind_int64(s, 1, run_id);
    bind_text(s, 2, mt_tf_name(c->tf));
    const int64_t times[3] = {c->warm_from, c->last_bar, c->fed};
    for (int k = 0; k < 3; k++)
        if (times[k] != MT_JOURNAL_NO_BAR)
            sqlite3_bind_int64(s, 3 + k, times[k]);
    bind_real(s, 6, c->balance);
    return done(j, s, "writing a clock", err);
}

int mt_journal_clocks(struct mt_journal *j, int64_t run_id, struct mt_journal_clock out[MT_TF_COUNT], size_t *n,
                      struct mt_err *err)
{
    *n = 0;
    sqlite3_stmt *s = stmt(j, ST_CLOCKS);
    sqlite3_bind_int64(s, 1, run_id);
    int rc = 0, step;
    while (rc == 0 && (step = sqlite3_step(s)) == SQLITE_ROW) {
        enum mt_tf tf;
        if (mt_tf_parse(col_text(s, 0), &tf, NULL) != 0 || *n >= MT_TF_COUNT) {
            rc = mt_err_set(err, MT_EFORMAT, "journal %s: run %lld has a clock of timeframe '%s'", j->path,
                            (long long)run_id, col_text(s, 0));
            break;
        }
        int64_t t[3];
        for (int k = 0; k < 3; k++)
            t[k] = sqlite3_column_type(s, 1 + k) == SQLITE_NULL ? MT_JOURNAL_NO_BAR : sqlite3_column_int64(s, 1 + k);
        out[(*n)++] = (struct mt_journal_clock){
            .tf = tf, .warm_from = t[0], .last_bar = t[1], .fed = t[2], .balance = col_real(s, 4)};
    }
    if (rc == 0 && step != SQLITE_DONE)
        rc = sql_fail(j, "reading the clocks", err);
    sqlite3_reset(s);
    return rc;
}

int mt_journal_tick(struct mt_journal *j, int64_t run_id, const struct mt_journal_tick *t, struct mt_err *err)
{
    sqlite3_stmt *s = stmt(j, ST_TICK);
    sqlite3_bind_int64(s, 1, run_id);
    sqlite3_bind_int64(s, 2, t->time);
    sqlite3_bind_int64(s, 3, t->wall);
    sqlite3_bind_int64(s, 4, (int64_t)t->bars);
    sqlite3_bind_int64(s, 5, (int64_t)t->decisions);
    sqlite3_bind_int64(s, 6, (int64_t)t->opened);
    sqlite3_bind_int64(s, 7, (int64_t)t->closed);
    return done(j, s, "writing a tick", err);
}

int mt_journal_agent_outcomes(struct mt_journal *j, const char *agent, const char *strategy_id, enum mt_tf tf,
                              struct mt_journal_outcome **out, size_t *n, struct mt_err *err)
{
    *out = NULL;
    *n = 0;
    int rc = flush_dirty(j, err);
    if (rc)
        return rc;
    sqlite3_stmt *s = NULL;
    if (sqlite3_prepare_v2(j->db,
                           "SELECT t.symbol, r.kind, t.kind, t.state, t.signal_time, t.side, t.setup_price, "
                           "t.setup_stop, t.setup_target, t.setup_rr, t.context, t.close_time, t.r, t.run, t.id "
                           "FROM trades t JOIN agents a ON a.run = t.run AND a.idx = t.agent "
                           "JOIN runs r ON r.id = t.run "
                           "WHERE a.name = ?1 AND a.strategy = ?2 AND a.timeframe = ?3 AND t.state <> 'open' "
                           "ORDER BY t.signal_time, t.run, t.id",
                           -1, &s, NULL) != SQLITE_OK)
        return sql_fail(j, "preparing the agent's outcomes", err);
    sqlite3_bind_text(s, 1, agent, -1, SQLITE_STATIC);
    sqlite3_bind_text(s, 2, strategy_id, -1, SQLITE_STATIC);
    sqlite3_bind_text(s, 3, mt_tf_name(tf), -1, SQLITE_STATIC);
    struct mt_journal_outcome *v = NULL;
    size_t cap = 0, k = 0;
    int step;
    while (rc == 0 && (step = sqlite3_step(s)) == SQLITE_ROW) {
        struct mt_journal_outcome *w = k < MT_JOURNAL_MAX_ROWS ? mt_grow(v, &cap, k, sizeof *w, 256) : NULL;
        if (!w) {
            rc = mt_err_set(err, k < MT_JOURNAL_MAX_ROWS ? MT_ENOMEM : MT_ELIMIT,
                            "journal %s: no room for %zu trades of agent %s", j->path, k + 1, agent);
            break;
        }
        v = w;
        struct mt_journal_outcome *o = &v[k];
        memset(o, 0, sizeof *o);
        snprintf(o->symbol, sizeof o->symbol, "%s", col_text(s, 0));
        int run = lookup(run_kind_names, 4, col_text(s, 1)), kind = lookup(kind_names, 3, col_text(s, 2));
        o->censored = strcmp(col_text(s, 3), "censored") == 0;
        o->setup.time = sqlite3_column_int64(s, 4);
        o->setup.side = strcmp(col_text(s, 5), "long") == 0 ? 1 : -1;
        o->setup.price = col_real(s, 6);
        o->setup.stop = col_real(s, 7);
        o->setup.target = col_real(s, 8);
        o->setup.rr = col_real(s, 9);
        int ctx_bad = parse_context(col_text(s, 10), &o->setup);
        o->close_time = sqlite3_column_int64(s, 11);
        o->r = col_real(s, 12);
        if (run < 0 || kind < 0 || ctx_bad) {
            rc = mt_err_set(err, MT_EFORMAT, "journal %s: run %lld trade %lld: bad run kind, kind or context", j->path,
                            (long long)sqlite3_column_int64(s, 13), (long long)sqlite3_column_int64(s, 14));
            break;
        }
        o->run = (enum mt_run_kind)run;
        o->kind = (enum mt_trade_kind)kind;
        k++;
    }
    if (rc == 0 && step != SQLITE_DONE)
        rc = sql_fail(j, "reading the agent's outcomes", err);
    sqlite3_finalize(s);
    if (rc) {
        free(v);
        return rc;
    }
    *out = v;
    *n = k;
    return 0;
}

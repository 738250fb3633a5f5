/* Candlestick patterns: TA-Lib's CDL functions with its default candle
 * settings. Each entry outputs TA-Lib's integer (+100 bullish, -100 bearish,
 * +-80 for the weaker engulfing/harami variants TA-Lib reports, 0 none) as a
 * double.
 *
 * TA-Lib measures "long body", "short shadow", "near" ... against the average
 * of a candle range (real body, high-low or shadows) over the N candles before
 * the candle looked at. Those averages are running sums that TA-Lib starts at
 * bar lookback - N and updates as sum += new - old after each bar; the shared
 * cdl_avg helper keeps one such sum with the same start and order of
 * operations, so the comparisons (and outputs) are those of TA-Lib called on
 * the whole series. */
#include <math.h>

#include "features/families.h"
#include "features/ind_impl.h"

/* ---- one candle and its measures (TA-Lib's TA_REALBODY, TA_UPPERSHADOW, ...) ---- */

struct cdl_bar {
    double o, h, l, c;
};

static inline double cdl_body(const struct cdl_bar *b)
{
    return fabs(b->c - b->o);
}

/* Top and bottom of the real body. */
static inline double cdl_top(const struct cdl_bar *b)
{
    return b->c > b->o ? b->c : b->o;
}

static inline double cdl_bottom(const struct cdl_bar *b)
{
    return b->c < b->o ? b->c : b->o;
}

static inline double cdl_upper(const struct cdl_bar *b)
{
    return b->h - (b->c >= b->o ? b->c : b->o);
}

static inline double cdl_lower(const struct cdl_bar *b)
{
    return (b->c >= b->o ? b->o : b->c) - b->l;
}

/* 1 white (close >= open), -1 black. */
static inline int cdl_color(const struct cdl_bar *b)
{
    return b->c >= b->o ? 1 : -1;
}

/* Real body of b2 entirely above / below the real body of b1. */
static inline bool cdl_body_gap_up(const struct cdl_bar *b2, const struct cdl_bar *b1)
{
    return cdl_bottom(b2) > cdl_top(b1);
}

static inline bool cdl_body_gap_down(const struct cdl_bar *b2, const struct cdl_bar *b1)
{
    return cdl_top(b2) < cdl_bottom(b1);
}

/* ---- TA-Lib's candle settings (defaults of TA_SetCandleSettings) ---- */

enum cdl_range { CDL_REAL_BODY, CDL_HIGH_LOW, CDL_SHADOWS };

struct cdl_setting {
    enum cdl_range range;
    int period; /* candles averaged; 0 = the candle's own range */
    double factor;
};

enum cdl_set { BODY_LONG, BODY_SHORT, BODY_DOJI, SHADOW_LONG, SHADOW_SHORT, SHADOW_VERY_SHORT, NEAR, FAR };

#define CDL_PERIOD_MAX 10

static const struct cdl_setting cdl_settings[] = {
    [BODY_LONG] = {CDL_REAL_BODY, 10, 1.0},  [BODY_SHORT] = {CDL_REAL_BODY, 10, 1.0},
    [BODY_DOJI] = {CDL_HIGH_LOW, 10, 0.1},   [SHADOW_LONG] = {CDL_REAL_BODY, 0, 1.0},
    [SHADOW_SHORT] = {CDL_SHADOWS, 10, 1.0}, [SHADOW_VERY_SHORT] = {CDL_HIGH_LOW, 10, 0.1},
    [NEAR] = {CDL_HIGH_LOW, 5, 0.2},         [FAR] = {CDL_HIGH_LOW, 5, 0.6},
};

/* The range of b that setting s measures (TA_CANDLERANGE). */
static inline double cdl_range(const struct cdl_setting *s, const struct cdl_bar *b)
{
    switch (s->range) {
    case CDL_REAL_BODY:
        return cdl_body(b);
    case CDL_HIGH_LOW:
        return b->h - b->l;
    case CDL_SHADOWS:
        return cdl_upper(b) + cdl_lower(b);
    }
    return 0;
}

/* ---- the shared candle-setting average: a running sum over the last
 * `period` ranges of one setting (TA_CANDLEAVERAGE) ---- */

struct cdl_avg {
    const struct cdl_setting *set;
    struct ind_win w; /* over CDL_PERIOD_MAX doubles carved from the entry's state */
    double sum;
};

static void cdl_avg_init(struct cdl_avg *a, enum cdl_set s, double *buf)
{
    a->set = &cdl_settings[s];
    ind_win_init(&a->w, buf, a->set->period);
    a->sum = 0;
}

/* The setting's threshold for candle b, from the ranges pushed so far (the
 * candles before b): factor x average (or b's own range when the period is
 * 0), halved for shadows (two of them per candle). */
static inline double cdl_avg_value(const struct cdl_avg *a, const struct cdl_bar *b)
{
    const struct cdl_setting *s = a->set;
    return s->factor * (s->period != 0 ? a->sum / s->period : cdl_range(s, b)) / (s->range == CDL_SHADOWS ? 2.0 : 1.0);
}

/* Adds b's range: sum += range while filling, then sum += range - oldest. */
static inline void cdl_avg_push(struct cdl_avg *a, const struct cdl_bar *b)
{
    if (a->set->period == 0)
        return;
    double r = cdl_range(a->set, b), gone;
    if (ind_win_push(&a->w, r, &gone))
        a->sum += r - gone;
    else
        a->sum += r;
}

/* ---- a pattern: the averages it uses and its test ---- */

#define CDL_MAX_AVG 8
#define CDL_HIST 4 /* candles kept: the current one and three before */

/* One average: setting `set` for the candle `ago` bars back. */
struct cdl_use {
    enum cdl_set set;
    int ago;
};

/* b[k] is the candle k bars back, avg[j] the threshold of use[j] for its
 * candle; returns TA-Lib's integer. */
typedef int (*cdl_detect_fn)(const struct cdl_bar *b, const double *avg, const struct mt_ind_ctx *c);

/* lookback = the longest period used + extra (TA_CDLxxx_Lookback); every
 * use[j].ago <= extra, so the candles an average needs exist when it starts. */
struct cdl_spec {
    int extra, n_use;
    struct cdl_use use[CDL_MAX_AVG];
    cdl_detect_fn detect;
};

struct cdl {
    const struct cdl_spec *spec;
    int lookback;
    int64_t bar; /* bars seen since the start */
    struct cdl_bar b[CDL_HIST];
    struct cdl_avg avg[CDL_MAX_AVG];
};

static size_t cdl_size(const struct mt_ind_ctx *c)
{
    (void)c;
    return ind_size(sizeof(struct cdl), CDL_MAX_AVG * CDL_PERIOD_MAX);
}

static int cdl_spec_lookback(const struct cdl_spec *sp)
{
    int n = 0;
    for (int j = 0; j < sp->n_use; j++)
        if (cdl_settings[sp->use[j].set].period > n)
            n = cdl_settings[sp->use[j].set].period;
    return n + sp->extra;
}

/* Puts st at its start for pattern sp. */
static void cdl_start(struct cdl *st, const struct cdl_spec *sp)
{
    memset(st, 0, sizeof *st);
    st->spec = sp;
    st->lookback = cdl_spec_lookback(sp);
    unsigned char *p = ind_tail(st, sizeof *st);
    for (int j = 0; j < sp->n_use; j++)
        cdl_avg_init(&st->avg[j], sp->use[j].set, ind_carve(&p, CDL_PERIOD_MAX));
}

/* Restart after a NaN: same pattern, no bar seen. */
static void cdl_restart(void *state, const struct mt_ind_ctx *c)
{
    (void)c;
    struct cdl *st = state;
    cdl_start(st, st->spec);
}

/* One bar of pattern sp (each pattern's run inlines this with its own spec,
 * so the averages loop and the test compile to straight code). */
static inline void cdl_step(const struct cdl_spec *sp, struct cdl *st, const struct mt_ind_ctx *c, const double *x,
                            double *y)
{
    for (int k = CDL_HIST - 1; k > 0; k--)
        st->b[k] = st->b[k - 1];
    st->b[0] = (struct cdl_bar){x[0], x[1], x[2], x[3]};
    y[0] = NAN;
    if (st->bar >= st->lookback) {
        double avg[CDL_MAX_AVG];
        for (int j = 0; j < sp->n_use; j++)
            avg[j] = cdl_avg_value(&st->avg[j], &st->b[sp->use[j].ago]);
        y[0] = sp->detect(st->b, avg, c);
    }
    /* TA-Lib starts every sum at bar lookback - period, on the candle `ago` bars back. */
    for (int j = 0; j < sp->n_use; j++)
        if (st->bar >= st->lookback - st->avg[j].set->period)
            cdl_avg_push(&st->avg[j], &st->b[sp->use[j].ago]);
    st->bar++;
}

/* ---- the tests, in TA-Lib's terms ---- */

/* CDLDOJI: body <= BodyDoji. */
static int doji(const struct cdl_bar *b, const double *a, const struct mt_ind_ctx *c)
{
    (void)c;
    return cdl_body(&b[0]) <= a[0] ? 100 : 0;
}

/* CDLDRAGONFLYDOJI: doji, very short upper shadow, lower shadow not very short. */
static int dragonfly(const struct cdl_bar *b, const double *a, const struct mt_ind_ctx *c)
{
    (void)c;
    return cdl_body(&b[0]) <= a[0] && cdl_upper(&b[0]) < a[1] && cdl_lower(&b[0]) > a[1] ? 100 : 0;
}

/* CDLGRAVESTONEDOJI: doji, very short lower shadow, upper shadow not very short. */
static int gravestone(const struct cdl_bar *b, const double *a, const struct mt_ind_ctx *c)
{
    (void)c;
    return cdl_body(&b[0]) <= a[0] && cdl_lower(&b[0]) < a[1] && cdl_upper(&b[0]) > a[1] ? 100 : 0;
}

/* Small body, long lower shadow, very short upper shadow (hammer and hanging man). */
static bool hammer_shape(const struct cdl_bar *b, const double *a)
{
    return cdl_body(&b[0]) < a[0] && cdl_lower(&b[0]) > a[1] && cdl_upper(&b[0]) < a[2];
}

/* CDLHAMMER: hammer shape with the body near the prior candle's low. */
static int hammer(const struct cdl_bar *b, const double *a, const struct mt_ind_ctx *c)
{
    (void)c;
    return hammer_shape(b, a) && cdl_bottom(&b[0]) <= b[1].l + a[3] ? 100 : 0;
}

/* CDLHANGINGMAN: hammer shape with the body near the prior candle's high. */
static int hangingman(const struct cdl_bar *b, const double *a, const struct mt_ind_ctx *c)
{
    (void)c;
    return hammer_shape(b, a) && cdl_bottom(&b[0]) >= b[1].h - a[3] ? -100 : 0;
}

/* Small body, long upper shadow, very short lower shadow (inverted hammer and shooting star). */
static bool star_shape(const struct cdl_bar *b, const double *a)
{
    return cdl_body(&b[0]) < a[0] && cdl_upper(&b[0]) > a[1] && cdl_lower(&b[0]) < a[2];
}

/* CDLINVERTEDHAMMER: star shape gapping down from the prior body. */
static int invertedhammer(const struct cdl_bar *b, const double *a, const struct mt_ind_ctx *c)
{
    (void)c;
    return star_shape(b, a) && cdl_body_gap_down(&b[0], &b[1]) ? 100 : 0;
}

/* CDLSHOOTINGSTAR: star shape gapping up from the prior body. */
static int shootingstar(const struct cdl_bar *b, const double *a, const struct mt_ind_ctx *c)
{
    (void)c;
    return star_shape(b, a) && cdl_body_gap_up(&b[0], &b[1]) ? -100 : 0;
}

/* CDLENGULFING: the body engulfs the prior opposite-colour body (one end may
 * match); 80 instead of 100 when an end matches. */
static int engulfing(const struct cdl_bar *b, const double *a, const struct mt_ind_ctx *c)
{
    (void)a;
    (void)c;
    const struct cdl_bar *p = &b[1], *q = &b[0];
    bool white = cdl_color(q) == 1 && cdl_color(p) == -1 &&
                 ((q->c >= p->o && q->o < p->c) || (q->c > p->o && q->o <= p->c));
    bool black = cdl_color(q) == -1 && cdl_color(p) == 1 &&
                 ((q->o >= p->c && q->c < p->o) || (q->o > p->c && q->c <= p->o));
    if (!white && !black)
        return 0;
    return cdl_color(q) * (q->o != p->c && q->c != p->o ? 100 : 80);
}

/* CDLHARAMI and CDLHARAMICROSS (a[1] is BodyShort or BodyDoji): a long body,
 * then a small one inside it; 80 when one end of the bodies matches. */
static int harami(const struct cdl_bar *b, const double *a, const struct mt_ind_ctx *c)
{
    (void)c;
    if (!(cdl_body(&b[1]) > a[0] && cdl_body(&b[0]) <= a[1]))
        return 0;
    if (cdl_top(&b[0]) < cdl_top(&b[1]) && cdl_bottom(&b[0]) > cdl_bottom(&b[1]))
        return -cdl_color(&b[1]) * 100;
    if (cdl_top(&b[0]) <= cdl_top(&b[1]) && cdl_bottom(&b[0]) >= cdl_bottom(&b[1]))
        return -cdl_color(&b[1]) * 80;
    return 0;
}

/* CDLMORNINGSTAR: long black, short body gapping down, white closing above
 * close + penetration x body of the first. */
static int morningstar(const struct cdl_bar *b, const double *a, const struct mt_ind_ctx *c)
{
    return cdl_body(&b[2]) > a[0] && cdl_color(&b[2]) == -1 && cdl_body(&b[1]) <= a[1] &&
                   cdl_body_gap_down(&b[1], &b[2]) && cdl_body(&b[0]) > a[2] && cdl_color(&b[0]) == 1 &&
                   b[0].c > b[2].c + cdl_body(&b[2]) * c->opt[0]
               ? 100
               : 0;
}

/* CDLEVENINGSTAR: the mirror of the morning star. */
static int eveningstar(const struct cdl_bar *b, const double *a, const struct mt_ind_ctx *c)
{
    return cdl_body(&b[2]) > a[0] && cdl_color(&b[2]) == 1 && cdl_body(&b[1]) <= a[1] &&
                   cdl_body_gap_up(&b[1], &b[2]) && cdl_body(&b[0]) > a[2] && cdl_color(&b[0]) == -1 &&
                   b[0].c < b[2].c - cdl_body(&b[2]) * c->opt[0]
               ? -100
               : 0;
}

/* CDL3WHITESOLDIERS: three whites with very short upper shadows, higher
 * closes, each opening within or near the prior body, bodies not far shorter
 * than the prior one, the last not short. a: ShadowVeryShort for b2, b1, b0;
 * Near for b2, b1; Far for b2, b1; BodyShort for b0. */
static int whitesoldiers(const struct cdl_bar *b, const double *a, const struct mt_ind_ctx *c)
{
    (void)c;
    for (int k = 0; k < 3; k++)
        if (cdl_color(&b[k]) != 1 || !(cdl_upper(&b[k]) < a[2 - k]))
            return 0;
    return b[0].c > b[1].c && b[1].c > b[2].c && b[1].o > b[2].o && b[1].o <= b[2].c + a[3] && b[0].o > b[1].o &&
                   b[0].o <= b[1].c + a[4] && cdl_body(&b[1]) > cdl_body(&b[2]) - a[5] &&
                   cdl_body(&b[0]) > cdl_body(&b[1]) - a[6] && cdl_body(&b[0]) > a[7]
               ? 100
               : 0;
}

/* CDL3BLACKCROWS: after a white candle, three blacks with very short lower
 * shadows, each opening within the prior body, declining closes, the first
 * closing under the white's high. a: ShadowVeryShort for b2, b1, b0. */
static int blackcrows(const struct cdl_bar *b, const double *a, const struct mt_ind_ctx *c)
{
    (void)c;
    if (cdl_color(&b[3]) != 1)
        return 0;
    for (int k = 0; k < 3; k++)
        if (cdl_color(&b[k]) != -1 || !(cdl_lower(&b[k]) < a[2 - k]))
            return 0;
    return b[1].o < b[2].o && b[1].o > b[2].c && b[0].o < b[1].o && b[0].o > b[1].c && b[3].h > b[2].c &&
                   b[2].c > b[1].c && b[1].c > b[0].c
               ? -100
               : 0;
}

/* CDLPIERCING: long black, then a long white opening under its low and
 * closing above its body's midpoint but inside the body. */
static int piercing(const struct cdl_bar *b, const double *a, const struct mt_ind_ctx *c)
{
    (void)c;
    return cdl_color(&b[1]) == -1 && cdl_body(&b[1]) > a[0] && cdl_color(&b[0]) == 1 && cdl_body(&b[0]) > a[1] &&
                   b[0].o < b[1].l && b[0].c < b[1].o && b[0].c > b[1].c + cdl_body(&b[1]) * 0.5
               ? 100
               : 0;
}

/* CDLDARKCLOUDCOVER: long white, then a black opening above its high and
 * closing inside its body below close - penetration x body. */
static int darkcloud(const struct cdl_bar *b, const double *a, const struct mt_ind_ctx *c)
{
    return cdl_color(&b[1]) == 1 && cdl_body(&b[1]) > a[0] && cdl_color(&b[0]) == -1 && b[0].o > b[1].h &&
                   b[0].c > b[1].o && b[0].c < b[1].c - cdl_body(&b[1]) * c->opt[0]
               ? -100
               : 0;
}

/* CDLMARUBOZU and CDLLONGLINE (a[1] is ShadowVeryShort or ShadowShort): long
 * body, both shadows short; the sign is the colour. */
static int long_body(const struct cdl_bar *b, const double *a, const struct mt_ind_ctx *c)
{
    (void)c;
    return cdl_body(&b[0]) > a[0] && cdl_upper(&b[0]) < a[1] && cdl_lower(&b[0]) < a[1] ? cdl_color(&b[0]) * 100 : 0;
}

/* CDLSHORTLINE: short body, both shadows short. */
static int shortline(const struct cdl_bar *b, const double *a, const struct mt_ind_ctx *c)
{
    (void)c;
    return cdl_body(&b[0]) < a[0] && cdl_upper(&b[0]) < a[1] && cdl_lower(&b[0]) < a[1] ? cdl_color(&b[0]) * 100 : 0;
}

/* CDLSPINNINGTOP: short body, both shadows longer than the body. */
static int spinningtop(const struct cdl_bar *b, const double *a, const struct mt_ind_ctx *c)
{
    (void)c;
    double body = cdl_body(&b[0]);
    return body < a[0] && cdl_upper(&b[0]) > body && cdl_lower(&b[0]) > body ? cdl_color(&b[0]) * 100 : 0;
}

/* CDL3INSIDE: a harami (strictly inside) confirmed by a third candle of the
 * other colour closing beyond the first one's open. */
static int threeinside(const struct cdl_bar *b, const double *a, const struct mt_ind_ctx *c)
{
    (void)c;
    int col = cdl_color(&b[2]);
    return cdl_body(&b[2]) > a[0] && cdl_body(&b[1]) <= a[1] && cdl_top(&b[1]) < cdl_top(&b[2]) &&
                   cdl_bottom(&b[1]) > cdl_bottom(&b[2]) &&
                   ((col == 1 && cdl_color(&b[0]) == -1 && b[0].c < b[2].o) ||
                    (col == -1 && cdl_color(&b[0]) == 1 && b[0].c > b[2].o))
               ? -col * 100
               : 0;
}

/* CDL3OUTSIDE: an engulfing (strict) confirmed by a third candle closing
 * further in its direction. */
static int threeoutside(const struct cdl_bar *b, const double *a, const struct mt_ind_ctx *c)
{
    (void)a;
    (void)c;
    bool up = cdl_color(&b[1]) == 1 && cdl_color(&b[2]) == -1 && b[1].c > b[2].o && b[1].o < b[2].c && b[0].c > b[1].c;
    bool down =
        cdl_color(&b[1]) == -1 && cdl_color(&b[2]) == 1 && b[1].o > b[2].c && b[1].c < b[2].o && b[0].c < b[1].c;
    return up || down ? cdl_color(&b[1]) * 100 : 0;
}

/* ---- the specs (TA-Lib's lookbacks and averages) ---- */

static const struct cdl_spec doji_spec = {0, 1, {{BODY_DOJI, 0}}, doji};
static const struct cdl_spec dragonfly_spec = {0, 2, {{BODY_DOJI, 0}, {SHADOW_VERY_SHORT, 0}}, dragonfly};
static const struct cdl_spec gravestone_spec = {0, 2, {{BODY_DOJI, 0}, {SHADOW_VERY_SHORT, 0}}, gravestone};
static const struct cdl_spec hammer_spec = {
    1, 4, {{BODY_SHORT, 0}, {SHADOW_LONG, 0}, {SHADOW_VERY_SHORT, 0}, {NEAR, 1}}, hammer};
static const struct cdl_spec hangingman_spec = {
    1, 4, {{BODY_SHORT, 0}, {SHADOW_LONG, 0}, {SHADOW_VERY_SHORT, 0}, {NEAR, 1}}, hangingman};
static const struct cdl_spec invertedhammer_spec = {
    1, 3, {{BODY_SHORT, 0}, {SHADOW_LONG, 0}, {SHADOW_VERY_SHORT, 0}}, invertedhammer};
static const struct cdl_spec shootingstar_spec = {
    1, 3, {{BODY_SHORT, 0}, {SHADOW_LONG, 0}, {SHADOW_VERY_SHORT, 0}}, shootingstar};
static const struct cdl_spec engulfing_spec = {.extra = 2, .detect = engulfing};
static const struct cdl_spec harami_spec = {1, 2, {{BODY_LONG, 1}, {BODY_SHORT, 0}}, harami};
static const struct cdl_spec harami_cross_spec = {1, 2, {{BODY_LONG, 1}, {BODY_DOJI, 0}}, harami};
static const struct cdl_spec morningstar_spec = {2, 3, {{BODY_LONG, 2}, {BODY_SHORT, 1}, {BODY_SHORT, 0}}, morningstar};
static const struct cdl_spec eveningstar_spec = {2, 3, {{BODY_LONG, 2}, {BODY_SHORT, 1}, {BODY_SHORT, 0}}, eveningstar};
static const struct cdl_spec whitesoldiers_spec = {2,
                                                   8,
                                                   {{SHADOW_VERY_SHORT, 2},
                                                    {SHADOW_VERY_SHORT, 1},
                                                    {SHADOW_VERY_SHORT, 0},
                                                    {NEAR, 2},
                                                    {NEAR, 1},
                                                    {FAR, 2},
                                                    {FAR, 1},
                                                    {BODY_SHORT, 0}},
                                                   whitesoldiers};
static const struct cdl_spec blackcrows_spec = {
    3, 3, {{SHADOW_VERY_SHORT, 2}, {SHADOW_VERY_SHORT, 1}, {SHADOW_VERY_SHORT, 0}}, blackcrows};
static const struct cdl_spec piercing_spec = {1, 2, {{BODY_LONG, 1}, {BODY_LONG, 0}}, piercing};
static const struct cdl_spec darkcloud_spec = {1, 1, {{BODY_LONG, 1}}, darkcloud};
static const struct cdl_spec marubozu_spec = {0, 2, {{BODY_LONG, 0}, {SHADOW_VERY_SHORT, 0}}, long_body};
static const struct cdl_spec longline_spec = {0, 2, {{BODY_LONG, 0}, {SHADOW_SHORT, 0}}, long_body};
static const struct cdl_spec shortline_spec = {0, 2, {{BODY_SHORT, 0}, {SHADOW_SHORT, 0}}, shortline};
static const struct cdl_spec spinningtop_spec = {0, 1, {{BODY_SHORT, 0}}, spinningtop};
static const struct cdl_spec threeinside_spec = {2, 2, {{BODY_LONG, 2}, {BODY_SHORT, 1}}, threeinside};
static const struct cdl_spec threeoutside_spec = {.extra = 3, .detect = threeoutside};

/* The entry's init (the pattern's start), run and lookback. */
#define CDL_FUNCS(x)                                                                                       \
    static void x##_init(void *state, const struct mt_ind_ctx *c)                                          \
    {                                                                                                      \
        (void)c;                                                                                           \
        cdl_start(state, &x##_spec);                                                                       \
    }                                                                                                      \
    static inline void x##_step(struct cdl *st, const struct mt_ind_ctx *c, const double *in, int64_t t,   \
                                double *y)                                                                 \
    {                                                                                                      \
        (void)t;                                                                                           \
        cdl_step(&x##_spec, st, c, in, y);                                                                 \
    }                                                                                                      \
    MT_IND_RUN(x, struct cdl, cdl_restart, x##_step, 4, 1)                                                 \
    static int x##_lookback(const struct mt_ind_ctx *c)                                                    \
    {                                                                                                      \
        (void)c;                                                                                           \
        return cdl_spec_lookback(&x##_spec);                                                               \
    }

CDL_FUNCS(doji)
CDL_FUNCS(dragonfly)
CDL_FUNCS(gravestone)
CDL_FUNCS(hammer)
CDL_FUNCS(hangingman)
CDL_FUNCS(invertedhammer)
CDL_FUNCS(shootingstar)
CDL_FUNCS(engulfing)
CDL_FUNCS(harami)
CDL_FUNCS(harami_cross)
CDL_FUNCS(morningstar)
CDL_FUNCS(eveningstar)
CDL_FUNCS(whitesoldiers)
CDL_FUNCS(blackcrows)
CDL_FUNCS(piercing)
CDL_FUNCS(darkcloud)
CDL_FUNCS(marubozu)
CDL_FUNCS(longline)
CDL_FUNCS(shortline)
CDL_FUNCS(spinningtop)
CDL_FUNCS(threeinside)
CDL_FUNCS(threeoutside)

/* ---- the table ---- */

#define CDL(name, x, summary)                                                                              \
    {name, "pattern", summary, 4, 0, 1, IND_OHLC, {{0}}, {"value"}, x##_lookback, cdl_size, x##_init, x##_run, NULL}
#define CDL_PEN(name, x, pen, summary)                                                                     \
    {name, "pattern", summary, 4, 1, 1, IND_OHLC, {{"penetration", pen, 0, 1, false}}, {"value"}, x##_lookback, \
     cdl_size, x##_init, x##_run, NULL}

const struct mt_ind_def mt_ind_fam_pattern[] = {
    CDL("cdl_doji", doji, "doji: real body <= 10% of the average high-low range (TA-Lib CDLDOJI)"),
    CDL("cdl_dragonfly", dragonfly, "dragonfly doji: doji with a very short upper shadow (CDLDRAGONFLYDOJI)"),
    CDL("cdl_gravestone", gravestone, "gravestone doji: doji with a very short lower shadow (CDLGRAVESTONEDOJI)"),
    CDL("cdl_hammer", hammer, "hammer: small body near the prior low, long lower shadow, +100 (CDLHAMMER)"),
    CDL("cdl_hangingman", hangingman,
        "hanging man: small body near the prior high, long lower shadow, -100 (CDLHANGINGMAN)"),
    CDL("cdl_invertedhammer", invertedhammer,
        "inverted hammer: small body gapping down, long upper shadow, +100 (CDLINVERTEDHAMMER)"),
    CDL("cdl_shootingstar", shootingstar,
        "shooting star: small body gapping up, long upper shadow, -100 (CDLSHOOTINGSTAR)"),
    CDL("cdl_engulfing", engulfing, "engulfing: +-100, +-80 when one body end matches (CDLENGULFING)"),
    CDL("cdl_harami", harami, "harami: long body then a short one inside it, +-100 / +-80 (CDLHARAMI)"),
    CDL("cdl_harami_cross", harami_cross,
        "harami cross: long body then a doji inside it, +-100 / +-80 (CDLHARAMICROSS)"),
    CDL_PEN("cdl_morningstar", morningstar, 0.3, "morning star, three candles, +100 (CDLMORNINGSTAR)"),
    CDL_PEN("cdl_eveningstar", eveningstar, 0.3, "evening star, three candles, -100 (CDLEVENINGSTAR)"),
    CDL("cdl_3whitesoldiers", whitesoldiers, "three advancing white soldiers, +100 (CDL3WHITESOLDIERS)"),
    CDL("cdl_3blackcrows", blackcrows, "three black crows after a white candle, -100 (CDL3BLACKCROWS)"),
    CDL("cdl_piercing", piercing, "piercing line, +100 (CDLPIERCING)"),
    CDL_PEN("cdl_darkcloud", darkcloud, 0.5, "dark cloud cover, -100 (CDLDARKCLOUDCOVER)"),
    CDL("cdl_marubozu", marubozu, "marubozu: long body, very short shadows, +-100 by colour (CDLMARUBOZU)"),
    CDL("cdl_spinningtop", spinningtop,
        "spinning top: short body, shadows longer than it, +-100 by colour (CDLSPINNINGTOP)"),
    CDL("cdl_longline", longline, "long line: long body, short shadows, +-100 by colour (CDLLONGLINE)"),
    CDL("cdl_shortline", shortline, "short line: short body, short shadows, +-100 by colour (CDLSHORTLINE)"),
    CDL("cdl_3inside", threeinside, "three inside up/down: harami and confirmation, +-100 (CDL3INSIDE)"),
    CDL("cdl_3outside", threeoutside, "three outside up/down: engulfing and confirmation, +-100 (CDL3OUTSIDE)"),
};

const size_t mt_ind_fam_pattern_n = sizeof mt_ind_fam_pattern / sizeof mt_ind_fam_pattern[0];

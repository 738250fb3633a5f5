/* A progress bar on stderr when it is a terminal; silent otherwise (cron,
 * pipes, CI logs). Used by cli/ only; library functions report progress
 * through callbacks. */
#ifndef MT_CORE_PROGRESS_H
#define MT_CORE_PROGRESS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

struct mt_progress {
    FILE *out;            /* stderr, or NULL when silent */
    char label[64];
    size_t total;
    size_t done;
    int64_t started_ms;   /* monotonic ms of the wall clock: a bar shows real time */
    int64_t drawn_ms;     /* last redraw, to limit redraws to ~10/s */
};

/* Starts a bar of `total` steps. Draws only if stderr is a TTY (or force_tty,
 * for tests); no allocation. */
void mt_progress_start(struct mt_progress *p, const char *label, size_t total, bool force_tty);

/* Sets the number of finished steps and redraws at most ten times a second
 * (always on the last step). */
void mt_progress_update(struct mt_progress *p, size_t done);

/* Clears the bar line so normal output can follow. */
void mt_progress_finish(struct mt_progress *p);

/* Renders the bar text for `done` of `total` into buf (exposed for tests). */
void mt_progress_render(char *buf, size_t size, const char *label, size_t done, size_t total,
                        int64_t elapsed_ms);

#endif

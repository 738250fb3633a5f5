#include "core/progress.h"

#include <string.h>
#include <unistd.h>

#include "core/clock.h"

#define MT_PROGRESS_WIDTH 30

void mt_progress_start(struct mt_progress *p, const char *label, size_t total, bool force_tty)
{
    memset(p, 0, sizeof *p);
    p->out = (force_tty || isatty(STDERR_FILENO)) ? stderr : NULL;
    snprintf(p->label, sizeof p->label, "%s", label);
    p->total = total;
    p->started_ms = mt_clock_mono(mt_clock_wall());
}

void mt_progress_render(char *buf, size_t size, const char *label, size_t done, size_t total,
                        int64_t elapsed_ms)
{
    size_t filled = total ? done * MT_PROGRESS_WIDTH / total : 0;
    if (filled > MT_PROGRESS_WIDTH)
        filled = MT_PROGRESS_WIDTH;
    char bar[MT_PROGRESS_WIDTH + 1];
    memset(bar, '#', filled);
    memset(bar + filled, '-', MT_PROGRESS_WIDTH - filled);
    bar[MT_PROGRESS_WIDTH] = '\0';
    unsigned pct = total ? (unsigned)(done * 100 / total) : 100;
    snprintf(buf, size, "%s [%s] %zu/%zu %3u%% %llds", label, bar, done, total, pct,
             (long long)(elapsed_ms / 1000));
}

void mt_progress_update(struct mt_progress *p, size_t done)
{
    p->done = done;
    if (!p->out)
        return;
    int64_t now = mt_clock_mono(mt_clock_wall());
    if (done < p->total && now - p->drawn_ms < 100)
        return;
    p->drawn_ms = now;
    char line[256];
    mt_progress_render(line, sizeof line, p->label, done, p->total, now - p->started_ms);
    fprintf(p->out, "\r%s", line);
    fflush(p->out);
}

void mt_progress_finish(struct mt_progress *p)
{
    if (p->out) {
        fprintf(p->out, "\r\033[K");
        fflush(p->out);
    }
    p->out = NULL;
}

/* Replays fuzz inputs without libFuzzer: every file named on the command line,
 * or found (one level deep) in a folder named there, is fed once to
 * LLVMFuzzerTestOneInput. Linked with each fuzz target so its seed corpus and
 * regression inputs run as an ordinary test under any compiler/sanitizer.
 * Exit status: 0, or 1 when an input cannot be read. */
#include <dirent.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "core/fileio.h"

#define REPLAY_MAX_BYTES ((size_t)64 << 20)

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Runs one file; the input gets a buffer of exactly its size so that ASan
 * sees any read past the end. */
static int replay_file(const char *path)
{
    char *text;
    size_t len;
    struct mt_err err = {0};
    if (mt_read_file(path, REPLAY_MAX_BYTES, &text, &len, &err) != 0) {
        fprintf(stderr, "replay: %s\n", err.msg);
        return 1;
    }
    uint8_t *exact = malloc(len ? len : 1);
    if (!exact) {
        free(text);
        fprintf(stderr, "replay: out of memory for %s\n", path);
        return 1;
    }
    memcpy(exact, text, len);
    free(text);
    LLVMFuzzerTestOneInput(exact, len);
    free(exact);
    return 0;
}

static int replay_dir(const char *dir, size_t *count)
{
    DIR *d = opendir(dir);
    if (!d) {
        fprintf(stderr, "replay: cannot open folder %s\n", dir);
        return 1;
    }
    int failed = 0;
    struct dirent *e;
    while ((e = readdir(d)) != NULL) {
        char path[4096];
        struct stat st;
        if (e->d_name[0] == '.')
            continue;
        if (snprintf(path, sizeof path, "%s/%s", dir, e->d_name) >= (int)sizeof path) {
            fprintf(stderr, "replay: path too long in %s\n", dir);
            failed = 1;
            continue;
        }
        if (stat(path, &st) != 0 || !S_ISREG(st.st_mode))
            continue;
        failed |= replay_file(path);
        (*count)++;
    }
    closedir(d);
    return failed;
}

int main(int argc, char **argv)
{
    int failed = 0;
    size_t count = 0;
    if (argc < 2) {
        fprintf(stderr, "usage: %s FILE_OR_FOLDER...\n", argv[0]);
        return 2;
    }
    for (int i = 1; i < argc; i++) {
        struct stat st;
        if (stat(argv[i], &st) == 0 && S_ISDIR(st.st_mode)) {
            failed |= replay_dir(argv[i], &count);
        } else {
            failed |= replay_file(argv[i]);
            count++;
        }
    }
    printf("replay: %zu inputs\n", count);
    return failed;
}

/* qemu_insn: a QEMU TCG plugin (qemu-user 7.2, plugin API version 1) that
 * counts the guest instructions a program executes, every thread included,
 * and writes the total to a file at exit. bench/run-pi-bench.sh builds it with
 * the host's gcc and runs the native and the aarch64 mtrader under qemu-x86_64
 * and qemu-aarch64 with it:
 *
 *   qemu-aarch64 -L SYSROOT -plugin insn.so,out=FILE PROGRAM ARG...
 *
 * FILE gets one line, "<instructions>\n". The count is exact: each translated
 * block adds its instruction count when it runs (an atomic add, so threads
 * running at the same time lose nothing).
 *
 * The plugin API is declared here rather than from QEMU's qemu-plugin.h,
 * which Debian does not package: the few functions used, as documented in
 * QEMU's docs/devel/tcg-plugins.rst. */
#include <inttypes.h>
#include <stdatomic.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef uint64_t qemu_plugin_id_t;
struct qemu_plugin_tb;
struct qemu_info_t;
enum qemu_plugin_cb_flags { QEMU_PLUGIN_CB_NO_REGS };
typedef void (*qemu_plugin_udata_cb_t)(qemu_plugin_id_t id, void *userdata);
typedef void (*qemu_plugin_vcpu_udata_cb_t)(unsigned int vcpu_index, void *userdata);
typedef void (*qemu_plugin_vcpu_tb_trans_cb_t)(qemu_plugin_id_t id, struct qemu_plugin_tb *tb);
void qemu_plugin_register_vcpu_tb_trans_cb(qemu_plugin_id_t id, qemu_plugin_vcpu_tb_trans_cb_t cb);
void qemu_plugin_register_vcpu_tb_exec_cb(struct qemu_plugin_tb *tb, qemu_plugin_vcpu_udata_cb_t cb,
                                          enum qemu_plugin_cb_flags flags, void *userdata);
void qemu_plugin_register_atexit_cb(qemu_plugin_id_t id, qemu_plugin_udata_cb_t cb, void *userdata);
size_t qemu_plugin_tb_n_insns(const struct qemu_plugin_tb *tb);

#define EXPORT __attribute__((visibility("default")))

EXPORT int qemu_plugin_version = 1;

static _Atomic uint64_t executed;
static char out_path[4096];

/* A block ran: its instruction count travels as the callback's userdata. */
static void tb_exec(unsigned int vcpu_index, void *userdata)
{
    (void)vcpu_index;
    atomic_fetch_add_explicit(&executed, (uint64_t)(uintptr_t)userdata, memory_order_relaxed);
}

static void tb_trans(qemu_plugin_id_t id, struct qemu_plugin_tb *tb)
{
    (void)id;
    qemu_plugin_register_vcpu_tb_exec_cb(tb, tb_exec, QEMU_PLUGIN_CB_NO_REGS,
                                         (void *)(uintptr_t)qemu_plugin_tb_n_insns(tb));
}

static void at_exit(qemu_plugin_id_t id, void *userdata)
{
    (void)id;
    (void)userdata;
    FILE *f = fopen(out_path, "w");
    if (!f || fprintf(f, "%" PRIu64 "\n", atomic_load(&executed)) < 0 || fclose(f) != 0) {
        fprintf(stderr, "qemu_insn: cannot write %s\n", out_path);
        exit(70);
    }
}

/* Takes one argument, out=FILE: where the count goes. */
EXPORT int qemu_plugin_install(qemu_plugin_id_t id, const struct qemu_info_t *info, int argc,
                               char **argv)
{
    (void)info;
    size_t n = argc == 1 && strncmp(argv[0], "out=", 4) == 0 ? strlen(argv[0] + 4) : 0;
    if (n == 0 || n >= sizeof out_path) {
        fprintf(stderr, "qemu_insn: usage: -plugin qemu_insn.so,out=FILE\n");
        return 1;
    }
    memcpy(out_path, argv[0] + 4, n + 1);
    qemu_plugin_register_vcpu_tb_trans_cb(id, tb_trans);
    qemu_plugin_register_atexit_cb(id, at_exit, NULL);
    return 0;
}

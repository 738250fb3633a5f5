/* Parquet footer (FileMetaData) and page header parsing for the reader. Only
 * flat schemas are accepted; everything the pages are later read from is
 * validated here against the file size. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "parquet/parquet_internal.h"
#include "parquet/thrift.h"

const char *mt_pq_type_name(int32_t type)
{
    static const char *const names[] = {"BOOLEAN", "INT32",  "INT64",      "INT96",
                                        "FLOAT",   "DOUBLE", "BYTE_ARRAY", "FIXED_LEN_BYTE_ARRAY"};
    if (type >= 0 && (size_t)type < sizeof names / sizeof names[0])
        return names[type];
    return "unknown type";
}

const char *mt_pq_encoding_name(int32_t enc, char *buf, size_t size)
{
    static const char *const names[] = {
        "PLAIN", "GROUP_VAR_INT",  "PLAIN_DICTIONARY", "RLE", "BIT_PACKED", "DELTA_BINARY_PACKED",
        "DELTA_LENGTH_BYTE_ARRAY", "DELTA_BYTE_ARRAY", "RLE_DICTIONARY", "BYTE_STREAM_SPLIT"};
    if (enc >= 0 && (size_t)enc < sizeof names / sizeof names[0])
        return names[enc];
    snprintf(buf, size, "encoding %d", (int)enc);
    return buf;
}

/* ---- schema ---- */

/* SchemaElement fields we use; -1 = absent. */
struct schema_el {
    const uint8_t *name;
    size_t name_len;
    int32_t type, repetition, num_children, converted;
    enum mt_pq_time_unit logical_unit; /* from LogicalType TIMESTAMP */
    bool logical_string;
};

static enum mt_pq_time_unit parse_time_unit(struct mt_thrift_dec *d)
{
    enum mt_pq_time_unit unit = MT_PQ_NOT_TIME;
    int16_t last;
    struct mt_thrift_field f;
    mt_thrift_dec_struct_begin(d, &last);
    for (mt_thrift_dec_field(d, &last, &f); f.type != MT_THRIFT_STOP;
         mt_thrift_dec_field(d, &last, &f)) {
        if (f.id >= 1 && f.id <= 3 && f.type == MT_THRIFT_STRUCT)
            unit = (enum mt_pq_time_unit)f.id; /* MILLIS 1, MICROS 2, NANOS 3 */
        mt_thrift_dec_skip(d, f.type, false);
    }
    return unit;
}

static void parse_logical(struct mt_thrift_dec *d, struct schema_el *el)
{
    int16_t last;
    struct mt_thrift_field f;
    mt_thrift_dec_struct_begin(d, &last);
    for (mt_thrift_dec_field(d, &last, &f); f.type != MT_THRIFT_STOP;
         mt_thrift_dec_field(d, &last, &f)) {
        if (f.id == 1 && f.type == MT_THRIFT_STRUCT) {
            el->logical_string = true;
            mt_thrift_dec_skip(d, f.type, false);
        } else if (f.id == 8 && f.type == MT_THRIFT_STRUCT) { /* TimestampType */
            int16_t last2;
            struct mt_thrift_field g;
            mt_thrift_dec_struct_begin(d, &last2);
            for (mt_thrift_dec_field(d, &last2, &g); g.type != MT_THRIFT_STOP;
                 mt_thrift_dec_field(d, &last2, &g)) {
                if (g.id == 2 && g.type == MT_THRIFT_STRUCT)
                    el->logical_unit = parse_time_unit(d);
                else
                    mt_thrift_dec_skip(d, g.type, false);
            }
        } else {
            mt_thrift_dec_skip(d, f.type, false);
        }
    }
}

static void parse_schema_el(struct mt_thrift_dec *d, struct schema_el *el)
{
    memset(el, 0, sizeof *el);
    el->type = el->repetition = el->num_children = el->converted = -1;
    int16_t last;
    struct mt_thrift_field f;
    mt_thrift_dec_struct_begin(d, &last);
    for (mt_thrift_dec_field(d, &last, &f); f.type != MT_THRIFT_STOP;
         mt_thrift_dec_field(d, &last, &f)) {
        switch (f.id) {
        case 1: el->type = mt_thrift_dec_i32(d, f.type); break;
        case 3: el->repetition = mt_thrift_dec_i32(d, f.type); break;
        case 4: el->name = mt_thrift_dec_binary(d, f.type, &el->name_len); break;
        case 5: el->num_children = mt_thrift_dec_i32(d, f.type); break;
        case 6: el->converted = mt_thrift_dec_i32(d, f.type); break;
        case 10:
            if (f.type == MT_THRIFT_STRUCT) {
                parse_logical(d, el);
                break;
            }
            /* fall through */
        default: mt_thrift_dec_skip(d, f.type, false); break;
        }
    }
}

/* ---- row groups ---- */

struct chunk_meta {
    bool has_meta, external;
    int32_t type, codec;
    int64_t data_off, dict_off;
    int64_t total_compressed;   /* bytes of its pages with their headers; -1 = absent */
    uint32_t encodings;         /* bit e: encoding e (< 32) is listed */
};

static uint32_t parse_encodings(struct mt_thrift_dec *d, uint8_t type)
{
    uint8_t et;
    uint32_t mask = 0;
    size_t n = mt_thrift_dec_list(d, type, &et);
    for (size_t i = 0; i < n && !mt_thrift_dec_failed(d); i++) {
        int32_t e = mt_thrift_dec_i32(d, et);
        if (e >= 0 && e < 32)
            mask |= 1u << e;
    }
    return mask;
}

static void parse_column_meta(struct mt_thrift_dec *d, struct chunk_meta *c)
{
    int16_t last;
    struct mt_thrift_field f;
    c->has_meta = true;
    mt_thrift_dec_struct_begin(d, &last);
    for (mt_thrift_dec_field(d, &last, &f); f.type != MT_THRIFT_STOP;
         mt_thrift_dec_field(d, &last, &f)) {
        switch (f.id) {
        case 1: c->type = mt_thrift_dec_i32(d, f.type); break;
        case 2: c->encodings = parse_encodings(d, f.type); break;
        case 4: c->codec = mt_thrift_dec_i32(d, f.type); break;
        case 7: c->total_compressed = mt_thrift_dec_i64(d, f.type); break;
        case 9: c->data_off = mt_thrift_dec_i64(d, f.type); break;
        case 11: c->dict_off = mt_thrift_dec_i64(d, f.type); break;
        default: mt_thrift_dec_skip(d, f.type, false); break;
        }
    }
}

static void parse_column_chunk(struct mt_thrift_dec *d, struct chunk_meta *c)
{
    memset(c, 0, sizeof *c);
    c->type = -1;
    c->total_compressed = -1;
    int16_t last;
    struct mt_thrift_field f;
    mt_thrift_dec_struct_begin(d, &last);
    for (mt_thrift_dec_field(d, &last, &f); f.type != MT_THRIFT_STOP;
         mt_thrift_dec_field(d, &last, &f)) {
        if (f.id == 1 && f.type == MT_THRIFT_BINARY) {
            c->external = true;
            mt_thrift_dec_skip(d, f.type, false);
        } else if (f.id == 3 && f.type == MT_THRIFT_STRUCT) {
            parse_column_meta(d, c);
        } else {
            mt_thrift_dec_skip(d, f.type, false);
        }
    }
}

/* Parsing state of FileMetaData, freed by parse_footer's caller. */
struct footer {
    struct schema_el *schema;
    size_t nschema;
    int64_t num_rows;
    bool has_num_rows;
    size_t nrg;
    int64_t *rg_rows;
    size_t *rg_ncols;
    struct chunk_meta **rg_chunks;
    struct mt_thrift_dec *d;
};

static void footer_release(struct footer *ft)
{
    for (size_t i = 0; i < ft->nrg; i++)
        free(ft->rg_chunks[i]);
    free(ft->rg_chunks);
    free(ft->rg_ncols);
    free(ft->rg_rows);
    free(ft->schema);
}

static char *dup_bytes(const uint8_t *p, size_t n)
{
    char *s = malloc(n + 1);
    if (s) {
        if (n)
            memcpy(s, p, n);
        s[n] = '\0';
    }
    return s;
}

static int parse_row_group(struct footer *ft, size_t g)
{
    struct mt_thrift_dec *d = ft->d;
    int16_t last;
    struct mt_thrift_field f;
    ft->rg_rows[g] = -1;
    mt_thrift_dec_struct_begin(d, &last);
    for (mt_thrift_dec_field(d, &last, &f); f.type != MT_THRIFT_STOP;
         mt_thrift_dec_field(d, &last, &f)) {
        if (f.id == 1 && f.type == MT_THRIFT_LIST && !ft->rg_chunks[g]) {
            uint8_t et;
            size_t n = mt_thrift_dec_list(d, f.type, &et);
            ft->rg_chunks[g] = calloc(n ? n : 1, sizeof **ft->rg_chunks);
            if (!ft->rg_chunks[g])
                return MT_ENOMEM;
            ft->rg_ncols[g] = n;
            for (size_t i = 0; i < n; i++) {
                if (et != MT_THRIFT_STRUCT)
                    mt_thrift_dec_skip(d, et, true);
                else
                    parse_column_chunk(d, &ft->rg_chunks[g][i]);
            }
            if (et != MT_THRIFT_STRUCT && n)
                return MT_EFORMAT;
        } else if (f.id == 3) {
            ft->rg_rows[g] = mt_thrift_dec_i64(d, f.type);
        } else {
            mt_thrift_dec_skip(d, f.type, false);
        }
    }
    return 0;
}

static int parse_kv(struct mt_pq_reader *r, struct mt_thrift_dec *d, uint8_t type)
{
    uint8_t et;
    size_t n = mt_thrift_dec_list(d, type, &et);
    if (r->kv || (n && et != MT_THRIFT_STRUCT))
        return MT_EFORMAT;
    r->kv = calloc(n ? n : 1, sizeof *r->kv);
    if (!r->kv)
        return MT_ENOMEM;
    for (size_t i = 0; i < n && !mt_thrift_dec_failed(d); i++) {
        const uint8_t *key = NULL, *val = NULL;
        size_t klen = 0, vlen = 0;
        int16_t last;
        struct mt_thrift_field f;
        mt_thrift_dec_struct_begin(d, &last);
        for (mt_thrift_dec_field(d, &last, &f); f.type != MT_THRIFT_STOP;
             mt_thrift_dec_field(d, &last, &f)) {
            if (f.id == 1)
                key = mt_thrift_dec_binary(d, f.type, &klen);
            else if (f.id == 2)
                val = mt_thrift_dec_binary(d, f.type, &vlen);
            else
                mt_thrift_dec_skip(d, f.type, false);
        }
        if (mt_thrift_dec_failed(d))
            break;
        if (!key)
            return MT_EFORMAT;
        struct mt_pq_kv *kv = &r->kv[r->nkv++];
        kv->key = dup_bytes(key, klen);
        kv->value = val ? dup_bytes(val, vlen) : NULL;
        if (!kv->key || (val && !kv->value))
            return MT_ENOMEM;
    }
    return 0;
}

/* Walks FileMetaData. Returns 0, MT_ENOMEM, or MT_EFORMAT for shapes the
 * thrift decoder cannot see (the caller also checks the decoder's error). */
static int parse_file_meta(struct mt_pq_reader *r, struct footer *ft)
{
    struct mt_thrift_dec *d = ft->d;
    int16_t last;
    struct mt_thrift_field f;
    mt_thrift_dec_struct_begin(d, &last);
    for (mt_thrift_dec_field(d, &last, &f); f.type != MT_THRIFT_STOP;
         mt_thrift_dec_field(d, &last, &f)) {
        int rc = 0;
        uint8_t et;
        size_t n, len;
        if (f.id == 2 && f.type == MT_THRIFT_LIST && !ft->schema) {
            n = mt_thrift_dec_list(d, f.type, &et);
            if (n && et != MT_THRIFT_STRUCT)
                return MT_EFORMAT;
            ft->schema = calloc(n ? n : 1, sizeof *ft->schema);
            if (!ft->schema)
                return MT_ENOMEM;
            ft->nschema = n;
            for (size_t i = 0; i < n; i++)
                parse_schema_el(d, &ft->schema[i]);
        } else if (f.id == 3) {
            ft->num_rows = mt_thrift_dec_i64(d, f.type);
            ft->has_num_rows = true;
        } else if (f.id == 4 && f.type == MT_THRIFT_LIST && !ft->rg_rows) {
            n = mt_thrift_dec_list(d, f.type, &et);
            if (n && et != MT_THRIFT_STRUCT)
                return MT_EFORMAT;
            ft->rg_rows = calloc(n ? n : 1, sizeof *ft->rg_rows);
            ft->rg_ncols = calloc(n ? n : 1, sizeof *ft->rg_ncols);
            ft->rg_chunks = calloc(n ? n : 1, sizeof *ft->rg_chunks);
            if (!ft->rg_rows || !ft->rg_ncols || !ft->rg_chunks)
                return MT_ENOMEM;
            ft->nrg = n;
            for (size_t g = 0; g < n && rc == 0; g++)
                rc = parse_row_group(ft, g);
        } else if (f.id == 5 && f.type == MT_THRIFT_LIST) {
            rc = parse_kv(r, d, f.type);
        } else if (f.id == 6 && f.type == MT_THRIFT_BINARY && !r->created_by) {
            const uint8_t *p = mt_thrift_dec_binary(d, f.type, &len);
            if (p && !(r->created_by = dup_bytes(p, len)))
                return MT_ENOMEM;
        } else {
            mt_thrift_dec_skip(d, f.type, false);
        }
        if (rc)
            return rc;
    }
    return 0;
}

/* ---- validation into the reader ---- */

static int fill_columns(struct mt_pq_reader *r, const struct footer *ft, struct mt_err *err)
{
    if (ft->nschema == 0)
        return mt_err_set(err, MT_EFORMAT, "%s: footer has no schema", r->name);
    const struct schema_el *root = &ft->schema[0];
    r->ncols = ft->nschema - 1;
    r->cols = calloc(ft->nschema, sizeof *r->cols);
    if (!r->cols)
        return mt_err_set(err, MT_ENOMEM, "%s: out of memory", r->name);
    for (size_t i = 0; i < r->ncols; i++) {
        const struct schema_el *el = &ft->schema[i + 1];
        struct mt_pq_column_info *ci = &r->cols[i];
        char *name = dup_bytes(el->name ? el->name : (const uint8_t *)"", el->name_len);
        if (!name)
            return mt_err_set(err, MT_ENOMEM, "%s: out of memory", r->name);
        ci->name = name;
        if (el->num_children > 0)
            return mt_err_set(err, MT_EUNSUPPORTED,
                              "%s: column '%s' is a nested group of %d fields (only flat "
                              "schemas are supported)",
                              r->name, name, (int)el->num_children);
        if (el->repetition == MT_PQ_REPEATED)
            return mt_err_set(err, MT_EUNSUPPORTED,
                              "%s: column '%s' is REPEATED (only flat schemas are supported)",
                              r->name, name);
        if (el->repetition != MT_PQ_REQUIRED && el->repetition != MT_PQ_OPTIONAL)
            return mt_err_set(err, MT_EFORMAT, "%s: column '%s' has no valid repetition type",
                              r->name, name);
        if (el->type == MT_PQ_FIXED_LEN_BYTE_ARRAY)
            return mt_err_set(err, MT_EUNSUPPORTED,
                              "%s: column '%s' has the unsupported physical type "
                              "FIXED_LEN_BYTE_ARRAY",
                              r->name, name);
        if (el->type < MT_PQ_BOOLEAN || el->type > MT_PQ_BYTE_ARRAY)
            return mt_err_set(err, MT_EFORMAT, "%s: column '%s' has no valid physical type",
                              r->name, name);
        ci->type = (enum mt_pq_type)el->type;
        ci->optional = el->repetition == MT_PQ_OPTIONAL;
        if (ci->type == MT_PQ_INT64) {
            if (el->logical_unit != MT_PQ_NOT_TIME)
                ci->time_unit = el->logical_unit;
            else if (el->converted == MT_PQ_CT_TIMESTAMP_MILLIS)
                ci->time_unit = MT_PQ_MILLIS;
            else if (el->converted == MT_PQ_CT_TIMESTAMP_MICROS)
                ci->time_unit = MT_PQ_MICROS;
        } else if (ci->type == MT_PQ_INT96) {
            ci->time_unit = MT_PQ_NANOS;
        }
        ci->is_string = ci->type == MT_PQ_BYTE_ARRAY &&
                        (el->logical_string || el->converted == MT_PQ_CT_UTF8);
    }
    if (root->num_children != (int32_t)r->ncols || r->ncols == 0)
        return mt_err_set(err, MT_EFORMAT,
                          "%s: schema root has %d children but the schema lists %zu columns",
                          r->name, (int)root->num_children, r->ncols);
    return 0;
}

static int fill_row_groups(struct mt_pq_reader *r, const struct footer *ft, struct mt_err *err)
{
    if (!ft->has_num_rows || ft->num_rows < 0)
        return mt_err_set(err, MT_EFORMAT, "%s: footer has no valid num_rows", r->name);
    r->nrg = ft->nrg;
    r->rg_rows = calloc(ft->nrg ? ft->nrg : 1, sizeof *r->rg_rows);
    if (ft->nrg > SIZE_MAX / sizeof *r->chunks / r->ncols)
        return mt_err_set(err, MT_EFORMAT, "%s: too many row groups", r->name);
    r->chunks = calloc(ft->nrg ? ft->nrg * r->ncols : 1, sizeof *r->chunks);
    if (!r->rg_rows || !r->chunks)
        return mt_err_set(err, MT_ENOMEM, "%s: out of memory", r->name);
    uint64_t total = 0;
    for (size_t g = 0; g < ft->nrg; g++) {
        if (ft->rg_rows[g] < 0)
            return mt_err_set(err, MT_EFORMAT, "%s: row group %zu has no valid num_rows",
                              r->name, g);
        if (ft->rg_ncols[g] != r->ncols)
            return mt_err_set(err, MT_EFORMAT,
                              "%s: row group %zu has %zu column chunks, the schema %zu columns",
                              r->name, g, ft->rg_ncols[g], r->ncols);
        r->rg_rows[g] = (size_t)ft->rg_rows[g];
        total += (uint64_t)ft->rg_rows[g];
        if (total > (uint64_t)ft->num_rows)
            break;
        for (size_t c = 0; c < r->ncols; c++) {
            const struct chunk_meta *cm = &ft->rg_chunks[g][c];
            const char *col = r->cols[c].name;
            if (cm->external)
                return mt_err_set(err, MT_EUNSUPPORTED,
                                  "%s: column '%s': row group %zu is stored in another file",
                                  r->name, col, g);
            if (!cm->has_meta)
                return mt_err_set(err, MT_EFORMAT,
                                  "%s: column '%s': row group %zu has no column metadata",
                                  r->name, col, g);
            if (cm->type != (int32_t)r->cols[c].type)
                return mt_err_set(err, MT_EFORMAT,
                                  "%s: column '%s': row group %zu has type %s, the schema %s",
                                  r->name, col, g, mt_pq_type_name(cm->type),
                                  mt_pq_type_name((int32_t)r->cols[c].type));
            int64_t start = cm->data_off;
            if (cm->dict_off > 0 && cm->dict_off < start)
                start = cm->dict_off;
            if (start < 4 || (uint64_t)start >= r->pages_end)
                return mt_err_set(err, MT_EFORMAT,
                                  "%s: column '%s': row group %zu starts at offset %lld, outside "
                                  "the data area [4, %zu)",
                                  r->name, col, g, (long long)start, r->pages_end);
            /* The chunk's extent keeps a damaged page header from running on
             * into the next chunk's pages; files without the (required) field
             * are read up to the footer as before. */
            size_t end = r->pages_end;
            if (cm->total_compressed >= 0) {
                if ((uint64_t)cm->total_compressed > r->pages_end - (uint64_t)start)
                    return mt_err_set(err, MT_EFORMAT,
                                      "%s: column '%s': row group %zu: total_compressed_size "
                                      "%lld from offset %lld runs past the data area ending at "
                                      "%zu",
                                      r->name, col, g, (long long)cm->total_compressed,
                                      (long long)start, r->pages_end);
                end = (size_t)start + (size_t)cm->total_compressed;
            }
            struct mt_pq_chunk *ch = &r->chunks[g * r->ncols + c];
            ch->start = (size_t)start;
            ch->end = end;
            ch->codec = cm->codec;
            ch->encodings = cm->encodings;
        }
    }
    if (total != (uint64_t)ft->num_rows)
        return mt_err_set(err, MT_EFORMAT,
                          "%s: row groups hold %llu rows but the footer says %lld", r->name,
                          (unsigned long long)total, (long long)ft->num_rows);
    if ((uint64_t)ft->num_rows > SIZE_MAX / 16)
        return mt_err_set(err, MT_ELIMIT, "%s: %lld rows are more than this reader handles",
                          r->name, (long long)ft->num_rows);
    r->num_rows = (size_t)ft->num_rows;
    return 0;
}

int mt_pq_check_frame(const char *name, size_t size, const uint8_t *head, const uint8_t *tail,
                      struct mt_err *err)
{
    if (size < 12)
        return mt_err_set(err, MT_EFORMAT,
                          "%s: truncated: %zu bytes is too short for a parquet file", name, size);
    if (memcmp(head, "PAR1", 4) != 0)
        return mt_err_set(err, MT_EFORMAT, "%s: not a parquet file (no PAR1 magic at the start)",
                          name);
    if (memcmp(tail + 4, "PAR1", 4) != 0)
        return mt_err_set(err, MT_EFORMAT,
                          "%s: truncated or not a parquet file (no PAR1 magic at the end)", name);
    uint32_t len;
    memcpy(&len, tail, 4);
    if (len > size - 12)
        return mt_err_set(err, MT_EFORMAT, "%s: footer length %u exceeds the file size %zu",
                          name, (unsigned)len, size);
    return 0;
}

int mt_pq_parse_footer(struct mt_pq_reader *r, struct mt_err *err)
{
    const uint8_t *data = r->data;
    size_t size = r->size;
    int rc = mt_pq_check_frame(r->name, size, data, size >= 12 ? data + size - 8 : data, err);
    if (rc)
        return rc;
    uint32_t len;
    memcpy(&len, data + size - 8, 4);
    size_t footer = size - 8 - len;
    r->pages_end = footer;
    const uint8_t *block = data + footer - MT_PQ_FOOTER_CRC_BYTES;
    if (footer >= 4 + MT_PQ_FOOTER_CRC_BYTES && memcmp(block + 4, MT_PQ_FOOTER_MAGIC, 4) == 0) {
        uint32_t stored, crc = mt_pq_crc32(0, data + footer, (size_t)len + 4);
        memcpy(&stored, block, 4);
        if (crc != stored)
            return mt_err_set(err, MT_ECHECKSUM,
                              "%s: footer checksum mismatch (crc 0x%08x stored, 0x%08x "
                              "computed): the file's metadata is damaged",
                              r->name, (unsigned)stored, (unsigned)crc);
        r->pages_end -= MT_PQ_FOOTER_CRC_BYTES;
        r->footer_checked = true;
    }
    struct mt_thrift_dec d;
    mt_thrift_dec_init(&d, data + footer, len);
    struct footer ft;
    memset(&ft, 0, sizeof ft);
    ft.d = &d;
    rc = parse_file_meta(r, &ft);
    if (rc == MT_ENOMEM) {
        rc = mt_err_set(err, MT_ENOMEM, "%s: out of memory reading the footer", r->name);
    } else if (rc || mt_thrift_dec_failed(&d)) {
        rc = mt_err_set(err, MT_EFORMAT, "%s: malformed footer: %s at byte %zu of %u", r->name,
                        d.error ? d.error : "unexpected field type", d.error_at, (unsigned)len);
    } else {
        rc = fill_columns(r, &ft, err);
        if (rc == 0)
            rc = fill_row_groups(r, &ft, err);
    }
    footer_release(&ft);
    return rc;
}

/* ---- page headers ---- */

/* DataPageHeader, DictionaryPageHeader or DataPageHeaderV2 (by page type). */
static void parse_sub_header(struct mt_thrift_dec *d, struct mt_pq_page_header *h)
{
    int16_t last;
    struct mt_thrift_field f;
    h->has_header = true;
    mt_thrift_dec_struct_begin(d, &last);
    for (mt_thrift_dec_field(d, &last, &f); f.type != MT_THRIFT_STOP;
         mt_thrift_dec_field(d, &last, &f)) {
        if (f.id == 1) {
            h->num_values = mt_thrift_dec_i32(d, f.type);
        } else if (h->type != MT_PQ_PAGE_DATA_V2) {
            if (f.id == 2)
                h->encoding = mt_thrift_dec_i32(d, f.type);
            else if (f.id == 3 && h->type == MT_PQ_PAGE_DATA)
                h->def_encoding = mt_thrift_dec_i32(d, f.type);
            else
                mt_thrift_dec_skip(d, f.type, false);
        } else if (f.id == 4) {
            h->encoding = mt_thrift_dec_i32(d, f.type);
        } else if (f.id == 5) {
            h->def_len = mt_thrift_dec_i32(d, f.type);
        } else if (f.id == 6) {
            h->rep_len = mt_thrift_dec_i32(d, f.type);
        } else if (f.id == 7) {
            h->is_compressed = mt_thrift_dec_bool(d, f.type, false);
        } else {
            mt_thrift_dec_skip(d, f.type, false);
        }
    }
}

/* PageHeader field that holds the header of a page of this type. */
static int sub_header_id(int32_t type)
{
    switch (type) {
    case MT_PQ_PAGE_DATA: return 5;
    case MT_PQ_PAGE_DICTIONARY: return 7;
    case MT_PQ_PAGE_DATA_V2: return 8;
    default: return -1;
    }
}

int mt_pq_parse_page_header(const uint8_t *p, size_t n, struct mt_pq_page_header *h,
                            size_t *header_len, const char **why)
{
    memset(h, 0, sizeof *h);
    h->type = h->uncompressed_size = h->compressed_size = -1;
    h->num_values = -1;
    h->is_compressed = true;
    h->def_encoding = MT_PQ_ENC_RLE;
    struct mt_thrift_dec d;
    mt_thrift_dec_init(&d, p, n);
    int16_t last;
    struct mt_thrift_field f;
    mt_thrift_dec_struct_begin(&d, &last);
    for (mt_thrift_dec_field(&d, &last, &f); f.type != MT_THRIFT_STOP;
         mt_thrift_dec_field(&d, &last, &f)) {
        switch (f.id) {
        case 1: h->type = mt_thrift_dec_i32(&d, f.type); break;
        case 2: h->uncompressed_size = mt_thrift_dec_i32(&d, f.type); break;
        case 3: h->compressed_size = mt_thrift_dec_i32(&d, f.type); break;
        case 4:
            h->crc = (uint32_t)mt_thrift_dec_i32(&d, f.type);
            h->has_crc = true;
            break;
        case 5: /* data_page_header */
        case 7: /* dictionary_page_header */
        case 8: /* data_page_header_v2 */
            if (f.type == MT_THRIFT_STRUCT && !h->has_header && sub_header_id(h->type) == f.id) {
                parse_sub_header(&d, h);
                break;
            }
            /* fall through */
        default: mt_thrift_dec_skip(&d, f.type, false); break;
        }
    }
    if (mt_thrift_dec_failed(&d)) {
        *why = d.error;
        return MT_EFORMAT;
    }
    if (h->type < 0 || h->uncompressed_size < 0 || h->compressed_size < 0) {
        *why = "page header without type or sizes";
        return MT_EFORMAT;
    }
    bool data = h->type == MT_PQ_PAGE_DATA || h->type == MT_PQ_PAGE_DATA_V2 ||
                h->type == MT_PQ_PAGE_DICTIONARY;
    if (data && (!h->has_header || h->num_values < 0 || h->def_len < 0 || h->rep_len < 0)) {
        *why = "page header without a valid data or dictionary page header";
        return MT_EFORMAT;
    }
    *header_len = mt_thrift_dec_pos(&d);
    return 0;
}

/*
 * table.h — print measured figures as an aligned table.
 *
 * Columns are separated by '|' in the header and in each row's format string; the
 * table is measured when printed, so every column is as wide as its widest cell.
 * Cells that look like numbers are right-aligned.
 *
 *     struct table *t = table_new("mode|threads|seconds|speedup");
 *     table_row(t, "%s|%ld|%.2f|%.2fx", "sequential", 1L, 4.02, 1.0);
 *     table_print(t);
 *     table_free(t);
 *
 *     mode        threads  seconds  speedup
 *     ----------  -------  -------  -------
 *     sequential        1     4.02    1.00x
 */
#ifndef LAB_TABLE_H
#define LAB_TABLE_H

struct table;

struct table *table_new(const char *header);
void table_row(struct table *t, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void table_print(const struct table *t);
void table_free(struct table *t);

#endif

/* Unit tests of common/table: columns line up, numbers align right, text left. */
#include "table.h"
#include "tap.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

int main(void)
{
    char path[] = "/tmp/lab-table-XXXXXX";
    int fd = mkstemp(path);
    int saved = dup(STDOUT_FILENO);
    fflush(stdout);
    dup2(fd, STDOUT_FILENO);

    struct table *t = table_new("mode|threads|speedup");
    table_row(t, "%s|%d|%.2fx", "sequential", 1, 1.0);
    table_row(t, "%s|%d|%.2fx", "sim GIL", 12, 0.97);
    table_row(t, "%s|%d|%s", "多线程", 2, "约10秒");
    table_print(t);
    table_free(t);

    fflush(stdout);
    dup2(saved, STDOUT_FILENO);
    close(saved);

    FILE *f = fdopen(fd, "r");
    rewind(f);
    char lines[5][128] = {{0}};
    for (int i = 0; i < 5 && fgets(lines[i], sizeof lines[i], f); i++)
        lines[i][strcspn(lines[i], "\n")] = '\0';
    fclose(f);
    unlink(path);

    is_str(lines[0], "mode        threads  speedup", "header padded to the widest cell");
    is_str(lines[1], "----------  -------  -------", "a rule under the header");
    is_str(lines[2], "sequential        1    1.00x", "numbers right-aligned, text left");
    is_str(lines[3], "sim GIL          12    0.97x", "second row lines up");
    is_str(lines[4], "多线程            2  约10秒", "a Chinese character takes two columns");
    return done_testing();
}

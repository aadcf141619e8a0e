/*
 * results.h — measured figures for `make bench` and the tests, beside the printout.
 *
 * A program prints its figures for the reader and also records them here. When the
 * environment variable LAB_RESULTS names a file, each record is appended to it as one
 * tab-separated line "name<TAB>value<TAB>unit"; otherwise recording does nothing.
 * The bench scripts and the tests read that file instead of scraping the printout.
 */
#ifndef LAB_RESULTS_H
#define LAB_RESULTS_H

void result_record(const char *name, double value, const char *unit);

#endif

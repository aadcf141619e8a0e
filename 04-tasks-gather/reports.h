/*
 * reports.h — count the errors the loop reports because nobody handled them.
 *
 * "Task exception was never retrieved" goes to the loop's exception handler, which
 * prints it on stderr. A program that wants to say how many there were installs this
 * counting handler: each report is counted, then printed by the default handler as usual.
 */
#ifndef CH04_REPORTS_H
#define CH04_REPORTS_H

/* On the running loop: count from 0 (again) from now on. */
void reports_count(void);

/* How many errors the loop has reported since reports_count(). */
int reports_counted(void);

#endif

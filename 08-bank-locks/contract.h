/*
 * contract.h — what every transfer() must do, checked by calling it.
 *
 *   1. Refuse what the article refuses, and move nothing: an amount of zero or less
 *      (BANK_EAMOUNT), the same account on both sides (BANK_ESELF), more than the
 *      balance (BANK_EFUNDS).
 *   2. Move exactly the amount when it can.
 *   3. Take the accounts' locks, the right way, shown in forced interleavings
 *      (interleave.h), so a mistake fails every run, not only when threads happen to
 *      overlap: wait while another thread holds either account's lock, moving nothing
 *      yet; two transfers in opposite directions both go through (no deadlock); two
 *      transfers that both want the last ¥60 of ¥100: only one goes through; no lock
 *      left held after any call.
 *   4. Under random transfers from many threads among few accounts: no timeout (with
 *      locks held for microseconds, a timeout is a deadlock), the total exact (no money
 *      lost or made), no balance below zero.
 *
 * Each finding is printed, and recorded (results.h) as contract.* figures for the
 * exercise's checker, each as soon as it is known: the checker can tell a clause that
 * failed from one never reached because the program died. Returns the number of clauses
 * broken: 0 when all hold.
 */
#ifndef CONTRACT_H
#define CONTRACT_H

#include "stress.h"

#include <stdbool.h>

int contract_check(transfer_fn *transfer, bool quick);

#endif

/* Processes a test starts (jobcast, nginx, stunnel, a child show) die with the test: set as a
 * GSubprocessLauncher's child setup, it runs in the child before exec. A failed assertion
 * aborts before any clean-up, and without this the server kept running on the machine. */
#pragma once

#include <glib.h>
#include <signal.h>
#include <sys/prctl.h>

static inline void die_with_parent(gpointer data)
{
    (void)data;
    prctl(PR_SET_PDEATHSIG, SIGKILL);
}

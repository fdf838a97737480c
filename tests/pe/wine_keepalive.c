/*
 * Keeps a test prefix's wineserver up for the whole test run: the prefix fixture starts it
 * (cmake/wine-prefix.sh), the cleanup fixture's `wineserver -k` ends it. Left alone, a wineserver
 * exits 3 s after its last client, and a test that starts at that moment loses its connection
 * ("wine client error: recvmsg: Connection reset by peer"). Started with its output on /dev/null,
 * so the service processes Wine starts with it do not hold any test's output open either.
 */
#include <windows.h>

int main(void)
{
    Sleep(INFINITE);
    return 0;
}

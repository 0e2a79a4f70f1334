/*
 * sdnotify.h - telling systemd how the service is doing (Type=notify), by
 * the datagram protocol of sd_notify(3), without linking libsystemd: one
 * datagram of "KEY=VALUE\n" lines to the AF_UNIX socket named in
 * $NOTIFY_SOCKET (a path, or '@' for the abstract namespace).
 *
 * Without $NOTIFY_SOCKET (not started by systemd) nothing is sent.
 */
#ifndef RG_SDNOTIFY_H
#define RG_SDNOTIFY_H

/* Send state, e.g. "READY=1" or "STOPPING=1\nSTATUS=finishing".  0 when
 * sent or when there is no one to tell; -1 (errno set) when sending failed,
 * which the caller may ignore: the service works the same. */
int rg_sd_notify(const char *state);

#endif

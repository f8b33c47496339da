"""Linux namespaces, mounts and privileges by system call: what a fork of the warm zygote needs without an exec
(bubblewrap always execs a fresh program, which would throw the warm imports away)."""

from __future__ import annotations

import ctypes
import ctypes.util
import os
import struct

_libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6", use_errno=True)

CLONE_NEWNS = 0x00020000
CLONE_NEWUSER = 0x10000000
CLONE_NEWPID = 0x20000000
MS_NOSUID, MS_NODEV, MS_NOEXEC, MS_REC, MS_PRIVATE = 2, 4, 8, 16384, 1 << 18
PR_SET_PDEATHSIG = 1
PR_SET_DUMPABLE = 4
PR_CAPBSET_DROP = 24
PR_SET_SECCOMP, SECCOMP_MODE_FILTER = 22, 2
PR_SET_SECUREBITS = 28
PR_SET_NO_NEW_PRIVS = 38
PR_CAP_AMBIENT = 47
PR_CAP_AMBIENT_CLEAR_ALL = 4
# noroot, noroot_locked, no_setuid_fixup, no_setuid_fixup_locked, keep_caps_locked
SECUREBITS = 0x01 | 0x02 | 0x04 | 0x08 | 0x20
_LINUX_CAPABILITY_VERSION_3 = 0x20080522
_SYS_CAPSET = {"x86_64": 126, "aarch64": 91}


def _check(ret: int, what: str) -> None:
    if ret != 0:
        err = ctypes.get_errno()
        raise OSError(err, f"{what}: {os.strerror(err)}")


def unshare(flags: int) -> None:
    _check(_libc.unshare(ctypes.c_int(flags)), "unshare")


def mount(source: str | None, target: str, fstype: str | None, flags: int = 0, data: str | None = None) -> None:
    def enc(s: str | None) -> bytes | None:
        return None if s is None else s.encode()

    _check(_libc.mount(enc(source), enc(target), enc(fstype), ctypes.c_ulong(flags), enc(data)),
           f"mount {fstype or source} on {target}")


def make_private() -> None:
    """Mounts made from now on stay in this mount namespace (and none arrive from elsewhere)."""
    mount(None, "/", None, MS_REC | MS_PRIVATE)


def die_with_parent(sig: int = 9) -> None:
    """This process gets ``sig`` (SIGKILL) when the thread that started it ends (Linux's PR_SET_PDEATHSIG)."""
    _libc.prctl(PR_SET_PDEATHSIG, sig, 0, 0, 0)


def become(uid: int, gid: int) -> None:
    """Switch to ``uid``/``gid`` for good (no supplementary groups); still dumpable, so /proc/self is its own."""
    os.setgroups([])
    os.setresgid(gid, gid, gid)
    os.setresuid(uid, uid, uid)
    _libc.prctl(PR_SET_DUMPABLE, 1, 0, 0, 0)


def drop_bounding_set() -> None:
    """Empty the capability bounding set and lock root out of regaining capabilities (needs CAP_SETPCAP)."""
    for cap in range(64):
        if _libc.prctl(PR_CAPBSET_DROP, cap, 0, 0, 0) != 0 and cap < 41:
            err = ctypes.get_errno()
            if err != 22:  # EINVAL: no such capability on this kernel
                raise OSError(err, f"dropping capability {cap}: {os.strerror(err)}")
    _libc.prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_CLEAR_ALL, 0, 0, 0)
    _check(_libc.prctl(PR_SET_SECUREBITS, SECUREBITS, 0, 0, 0), "securebits")


def clear_capabilities() -> None:
    """Empty the effective, permitted and inheritable sets; forbid gaining privileges by exec."""

    class Header(ctypes.Structure):
        _fields_ = [("version", ctypes.c_uint32), ("pid", ctypes.c_int)]

    class Data(ctypes.Structure):
        _fields_ = [("effective", ctypes.c_uint32), ("permitted", ctypes.c_uint32),
                    ("inheritable", ctypes.c_uint32)]

    _libc.prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_CLEAR_ALL, 0, 0, 0)
    number = _SYS_CAPSET.get(os.uname().machine)
    if number is None:
        raise OSError(f"capset: unknown syscall number on {os.uname().machine}")
    _check(_libc.syscall(number, ctypes.byref(Header(_LINUX_CAPABILITY_VERSION_3, 0)), ctypes.byref((Data * 2)())),
           "capset")
    _check(_libc.prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0), "no_new_privs")


def capabilities() -> dict[str, int]:
    """This process's capability sets (CapEff, CapPrm, CapInh, CapBnd, CapAmb) from /proc/self/status."""
    sets = {}
    with open("/proc/self/status") as f:
        for line in f:
            if line.startswith("Cap"):
                name, value = line.split(":")
                sets[name] = int(value.strip(), 16)
    return sets


# (audit arch, unshare, clone, clone3) system call numbers
_SECCOMP_ARCH = {"x86_64": (0xC000003E, 272, 56, 435), "aarch64": (0xC00000B7, 97, 220, 435)}


def forbid_user_namespaces() -> None:
    """A seccomp filter: no new user namespace (``unshare``/``clone`` with CLONE_NEWUSER fail with EPERM,
    ``clone3``, whose flags a filter cannot read, with ENOSYS so libc falls back to ``clone``); other ABIs of
    this machine (32-bit, x32) get ENOSYS. Needs ``no_new_privs``; inherited by every child."""
    arch, unshare_nr, clone_nr, clone3_nr = _SECCOMP_ARCH[os.uname().machine]
    ld, jeq, jge, jset, ret = 0x20, 0x15, 0x35, 0x45, 0x06
    allow, eperm, enosys = 0x7FFF0000, 0x00050000 | 1, 0x00050000 | 38
    program = [(ld, 0, 0, 4), (jeq, 1, 0, arch), (ret, 0, 0, enosys),            # 0-2: this ABI only
               (ld, 0, 0, 0), (jge, 8, 0, 0x40000000),                           # 3-4: x32 -> 13
               (jeq, 3, 0, unshare_nr), (jeq, 2, 0, clone_nr), (jeq, 5, 0, clone3_nr),  # 5-7: -> 9, 9, 13
               (ret, 0, 0, allow),                                                # 8
               (ld, 0, 0, 16), (jset, 1, 0, CLONE_NEWUSER),                       # 9-10: flags -> 12
               (ret, 0, 0, allow), (ret, 0, 0, eperm), (ret, 0, 0, enosys)]       # 11-13
    code = ctypes.create_string_buffer(b"".join(struct.pack("=HBBI", *i) for i in program))

    class Program(ctypes.Structure):
        _fields_ = [("len", ctypes.c_ushort), ("filter", ctypes.c_void_p)]

    _check(_libc.prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0), "no_new_privs")
    _check(_libc.prctl(PR_SET_SECCOMP, SECCOMP_MODE_FILTER, ctypes.byref(Program(len(program),
                       ctypes.addressof(code))), 0, 0), "seccomp")

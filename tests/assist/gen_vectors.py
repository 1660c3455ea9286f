#!/usr/bin/env python3
"""gen_vectors.py - generate tests/assist/vectors_gen.inc.

Vectors for the Mem Assist: every ALU/MOV form with a memory operand, in
every operand size and across CPU modes and addressing forms, with the
expected result, flags and callbacks computed by an independent Python
model of the x86 ALU (SDM Vol.1 3.4.3 and the per-instruction pages),
not by the host CPU the library uses. Deterministic (fixed seed).

Usage: gen_vectors.py > vectors_gen.inc
       gen_vectors.py --check vectors_gen.inc   (TAP; used by meson test)
"""
import random
import sys

SEED = 20261126
rnd = random.Random(SEED)

D = 0xa0000
CF, PF, AF, ZF, SF, OF = 0x1, 0x4, 0x10, 0x40, 0x80, 0x800
ARITH = CF | PF | AF | ZF | SF | OF
MODES = ['L64', 'P32', 'P16', 'R16']
GPR = ['RAX', 'RCX', 'RDX', 'RBX', 'RSP', 'RBP', 'RSI', 'RDI',
       'R8', 'R9', 'R10', 'R11', 'R12', 'R13', 'R14', 'R15']
M64 = (1 << 64) - 1


def mask(size):
    return (1 << (8 * size)) - 1


def sext(v, size):
    bits = 8 * size
    v &= mask(size)
    return v - (1 << bits) if v >> (bits - 1) else v


def szp(res, size):
    f = 0
    if res == 0:
        f |= ZF
    if res >> (8 * size - 1):
        f |= SF
    if bin(res & 0xff).count('1') % 2 == 0:
        f |= PF
    return f


def alu(op, size, a, b, fin):
    """Returns (result, flags, defined-mask, undefined-mask)."""
    bits, m = 8 * size, mask(size)
    cin = fin & CF
    if op in ('add', 'adc', 'inc'):
        c = cin if op == 'adc' else 0
        r = a + b + c
        res = r & m
        f = szp(res, size)
        if op != 'inc' and r >> bits:
            f |= CF
        if ((~(a ^ b)) & (a ^ res)) >> (bits - 1) & 1:
            f |= OF
        if (a ^ b ^ res) & 0x10:
            f |= AF
        if op == 'inc':
            f |= cin
        return res, f, ARITH, 0
    if op in ('sub', 'sbb', 'cmp', 'dec', 'neg'):
        if op == 'neg':
            a, b = 0, a
        c = cin if op == 'sbb' else 0
        r = a - b - c
        res = r & m
        f = szp(res, size)
        if op == 'neg':
            if b != 0:
                f |= CF
        elif op != 'dec' and a < b + c:
            f |= CF
        if ((a ^ b) & (a ^ res)) >> (bits - 1) & 1:
            f |= OF
        if (a ^ b ^ res) & 0x10:
            f |= AF
        if op == 'dec':
            f |= cin
        return res, f, ARITH, 0
    if op in ('and', 'or', 'xor', 'test'):
        res = {'and': a & b, 'test': a & b, 'or': a | b, 'xor': a ^ b}[op]
        return res, szp(res, size), ARITH & ~AF, AF
    if op == 'not':
        return (~a) & m, 0, 0, 0
    raise ValueError(op)


def rand_val(size):
    m = mask(size)
    pick = rnd.randrange(8)
    if pick == 0:
        return 0
    if pick == 1:
        return m
    if pick == 2:
        return 1 << (8 * size - 1)
    if pick == 3:
        return (1 << (8 * size - 1)) - 1
    return rnd.getrandbits(8 * size)


def rand_flags():
    return rnd.choice([0, CF, ZF | PF, CF | OF | SF | AF, ARITH])


class Form:
    """A memory operand: its ModRM/SIB/disp bytes and register setup."""

    def __init__(self, mode, k, off, nreg_rex=False):
        self.mode = mode
        self.regs = {}
        self.rex_b = 0
        self.rip_rel = False
        gpa = D + off
        if mode == 'L64':
            kind = k % 5
            if kind == 0:       # [rbx]
                self.mod, self.rm, self.tail = 0, 3, b''
                self.regs['RBX'] = gpa
            elif kind == 1:     # [rbx + disp8]
                self.mod, self.rm, self.tail = 1, 3, bytes([0x10])
                self.regs['RBX'] = gpa - 0x10
            elif kind == 2:     # [rbx + rsi*4 + disp32]
                self.mod, self.rm = 2, 4
                self.tail = bytes([(2 << 6) | (6 << 3) | 3]) + (-0x100 & 0xffffffff).to_bytes(4, 'little')
                self.regs['RSI'] = 0x10
                self.regs['RBX'] = gpa + 0x100 - 0x40
            elif kind == 3:     # [r13 + disp8] (REX.B)
                self.mod, self.rm, self.tail = 1, 5, bytes([0xf8])
                self.rex_b = 1
                self.regs['R13'] = gpa + 8
            else:               # RIP-relative
                self.mod, self.rm, self.tail = 0, 5, None
                self.rip_rel = True
                self.target = gpa
        elif mode == 'P32':
            kind = k % 4
            hi = rnd.getrandbits(32) << 32       # ignored upper halves
            if kind == 0:
                self.mod, self.rm, self.tail = 0, 3, b''
                self.regs['RBX'] = hi | gpa
            elif kind == 1:
                self.mod, self.rm, self.tail = 1, 3, bytes([0x80])   # -128
                self.regs['RBX'] = hi | (gpa + 0x80)
            elif kind == 2:     # [ebx + esi*2 + disp32]
                self.mod, self.rm = 2, 4
                self.tail = bytes([(1 << 6) | (6 << 3) | 3]) + (0x1000).to_bytes(4, 'little')
                self.regs['RSI'] = hi | 0x20
                self.regs['RBX'] = hi | (gpa - 0x1000 - 0x40)
            else:               # [disp32]
                self.mod, self.rm = 0, 5
                self.tail = gpa.to_bytes(4, 'little')
        else:                   # 16-bit: DS base is D
            kind = k % 4
            hi = rnd.getrandbits(48) << 16
            if kind == 0:       # [bx]
                self.mod, self.rm, self.tail = 0, 7, b''
                self.regs['RBX'] = hi | off
            elif kind == 1:     # [bx + si + disp8]
                self.mod, self.rm, self.tail = 1, 0, bytes([0x04])
                self.regs['RBX'] = hi | (off - 0x14)
                self.regs['RSI'] = hi | 0x10
            elif kind == 2:     # [di + disp16]
                self.mod, self.rm, self.tail = 2, 5, (0x0200).to_bytes(2, 'little')
                self.regs['RDI'] = hi | ((off - 0x200) & 0xffff)
            else:               # [disp16]
                self.mod, self.rm, self.tail = 0, 6, off.to_bytes(2, 'little')
        self.gpa = gpa


def size_prefix(mode, size):
    """Legacy prefixes and REX.W for an operand size."""
    if size == 1:
        return b'', 0
    if mode in ('P16', 'R16'):
        return (b'\x66' if size == 4 else b''), 0
    if size == 2:
        return b'\x66', 0
    if size == 8:
        return b'', 8
    return b'', 0


def encode(mode, size, opc, reg, form, imm=b'', force_rex=False):
    """Prefixes + REX + opcode + ModRM + SIB/disp + imm. Returns bytes."""
    pfx, rexw = size_prefix(mode, size)
    rex = rexw | (4 if reg >= 8 else 0) | form.rex_b
    out = pfx
    if mode == 'L64' and (rex or force_rex):
        out += bytes([0x40 | rex])
    out += opc
    out += bytes([(form.mod << 6) | ((reg & 7) << 3) | form.rm])
    if form.rip_rel:
        ln = len(out) + 4 + len(imm)
        disp = form.target - (0x10000 + ln)
        out += (disp & 0xffffffff).to_bytes(4, 'little')
    else:
        out += form.tail
    return out + imm


def hexs(b):
    return ' '.join('%02x' % x for x in b)


def regw(old, size, val, high8=False):
    if size == 1 and high8:
        return (old & ~0xff00) | ((val & 0xff) << 8)
    if size == 1:
        return (old & ~0xff) | (val & 0xff)
    if size == 2:
        return (old & ~0xffff) | (val & 0xffff)
    if size == 4:
        return val & 0xffffffff
    return val & M64


def cb(kind, gpa, size, val):
    return '%s %x/%u=%x' % (kind, gpa, size, val & mask(size))


cases = []
counter = [0]


def pick_mode(size, k):
    ms = [m for m in MODES if size != 8 or m == 'L64']
    return ms[k % len(ms)]


def pick_reg(mode, size, k, form):
    """Register operand: code, name, high8 flag."""
    used = set(form.regs)
    cands = [0, 1, 2]
    if mode == 'L64':
        cands += [9, 14]
    if size == 1 and not (mode == 'L64' and (size == 8 or form.rex_b)):
        cands += [4]    # AH (no REX)
    cands = [c for c in cands if ('RAX' if c == 4 else GPR[c]) not in used]
    c = cands[k % len(cands)]
    high8 = size == 1 and c == 4
    name = 'RAX' if high8 else GPR[c]
    return c, name, high8


def add_case(name, mode, code, regs_in, mem_in, flin, regs_out, mem_out,
             flout, flmask, flundef, log):
    def rl(d):
        return '{ ' + ', '.join('R(%s, 0x%xULL)' % (k, v & M64) for k, v in d.items()) + ' }' if d else '{}'

    def ml(lst):
        return '{ ' + ', '.join('M(0x%x, %u, 0x%xULL)' % t for t in lst) + ' }' if lst else '{}'
    assert len(regs_in) <= 6 and len(regs_out) <= 6
    cases.append('\t{ "%s", %s, "%s",\n\t  %s, %s, 0x%x, OK,\n\t  %s, %s, 0x%x, 0x%x, 0x%x,\n\t  "%s" },'
                 % (name, mode, hexs(code), rl(regs_in), ml(mem_in), flin, rl(regs_out),
                    ml(mem_out), flout, flmask, flundef, ' '.join(log)))


def gen_alu():
    ops = ['add', 'or', 'adc', 'sbb', 'and', 'sub', 'xor', 'cmp']
    k = 0
    for i, op in enumerate(ops):
        for form_kind in ('MR', 'RM', 'MI'):
            for size in (1, 2, 4, 8):
                for imm_kind in (('80',) if size == 1 else ('81', '83')) if form_kind == 'MI' else ('',):
                    k += 1
                    mode = pick_mode(size, k)
                    off = 0x100 + 8 * (k % 200)
                    form = Form(mode, k + i, off)
                    a = rand_val(size)          # memory operand
                    fin = rand_flags()
                    regs = dict(form.regs)
                    if form_kind == 'MI':
                        if imm_kind == '83' or imm_kind == '80':
                            immv = rnd.getrandbits(8)
                            imm = bytes([immv])
                            b = sext(immv, 1) & mask(size)
                        else:
                            isz = 2 if size == 2 else 4
                            immv = rnd.getrandbits(8 * isz)
                            imm = immv.to_bytes(isz, 'little')
                            b = sext(immv, isz) & mask(size)
                        opc = bytes([int(imm_kind, 16)])
                        code = encode(mode, size, opc, i, form, imm)
                        res, f, fm, fu = alu(op, size, a, b, fin)
                        log = [cb('r', form.gpa, size, a)]
                        mout = []
                        if op != 'cmp':
                            log.append(cb('w', form.gpa, size, res))
                            mout = [(form.gpa, size, res)]
                        add_case('%s %s%s size %u %s #%u' % (op, form_kind, imm_kind, size, mode, k),
                                 mode, code, regs, [(form.gpa, size, a)], fin, {},
                                 mout, f, fm, fu, log)
                        continue
                    rc, rname, high8 = pick_reg(mode, size, k, form)
                    rv = rnd.getrandbits(64)
                    regs[rname] = rv
                    r_op = (rv >> 8) & 0xff if high8 else rv & mask(size)
                    opc = bytes([8 * i + (0 if size == 1 else 1) + (2 if form_kind == 'RM' else 0)])
                    code = encode(mode, size, opc, rc, form)
                    if form_kind == 'MR':
                        res, f, fm, fu = alu(op, size, a, r_op, fin)
                        log = [cb('r', form.gpa, size, a)]
                        mout = []
                        if op != 'cmp':
                            log.append(cb('w', form.gpa, size, res))
                            mout = [(form.gpa, size, res)]
                        rout = {}
                    else:
                        res, f, fm, fu = alu(op, size, r_op, a, fin)
                        log = [cb('r', form.gpa, size, a)]
                        mout = []
                        rout = {} if op == 'cmp' else {rname: regw(rv, size, res, high8)}
                    add_case('%s %s size %u %s%s #%u' % (op, form_kind, size, mode,
                                                        ' ah' if high8 else '', k),
                             mode, code, regs, [(form.gpa, size, a)], fin, rout, mout,
                             f, fm, fu, log)


def gen_unary():
    k = 1000
    for op, sub in (('not', 2), ('neg', 3), ('inc', 0), ('dec', 1)):
        for size in (1, 2, 4, 8):
            for rep in range(2):
                k += 1
                mode = pick_mode(size, k)
                form = Form(mode, k, 0x800 + 8 * (k % 100))
                a = rand_val(size)
                fin = rand_flags()
                opc = bytes([(0xf6 if op in ('not', 'neg') else 0xfe) + (0 if size == 1 else 1)])
                code = encode(mode, size, opc, sub, form)
                res, f, fm, fu = alu(op, size, a, 1, fin)
                add_case('%s size %u %s #%u' % (op, size, mode, k), mode, code, dict(form.regs),
                         [(form.gpa, size, a)], fin, {}, [(form.gpa, size, res)],
                         f, fm, fu, [cb('r', form.gpa, size, a), cb('w', form.gpa, size, res)])


def gen_test():
    k = 2000
    for size in (1, 2, 4, 8):
        for kind in ('MR', 'MI'):
            k += 1
            mode = pick_mode(size, k)
            form = Form(mode, k, 0x900 + 8 * (k % 50))
            a = rand_val(size)
            fin = rand_flags()
            regs = dict(form.regs)
            if kind == 'MI':
                isz = 1 if size == 1 else 2 if size == 2 else 4
                immv = rnd.getrandbits(8 * isz)
                b = sext(immv, isz) & mask(size)
                code = encode(mode, size, bytes([0xf6 if size == 1 else 0xf7]), 0, form,
                              immv.to_bytes(isz, 'little'))
            else:
                rc, rname, high8 = pick_reg(mode, size, k, form)
                rv = rnd.getrandbits(64)
                regs[rname] = rv
                b = (rv >> 8) & 0xff if high8 else rv & mask(size)
                code = encode(mode, size, bytes([0x84 if size == 1 else 0x85]), rc, form)
            res, f, fm, fu = alu('test', size, a, b, fin)
            add_case('test %s size %u %s #%u' % (kind, size, mode, k), mode, code, regs,
                     [(form.gpa, size, a)], fin, {}, [], f, fm, fu, [cb('r', form.gpa, size, a)])


def gen_bt():
    k = 3000
    for op, opc, sub in (('bt', 0xa3, 4), ('bts', 0xab, 5), ('btr', 0xb3, 6), ('btc', 0xbb, 7)):
        for size in (2, 4, 8):
            for kind in ('reg', 'imm'):
                k += 1
                mode = pick_mode(size, k)
                form = Form(mode, k, 0xa00 + 0x20 * (k % 30))
                fin = rand_flags()
                regs = dict(form.regs)
                bits = 8 * size
                if kind == 'imm':
                    bit = rnd.getrandbits(8)
                    code = encode(mode, size, b'\x0f\xba', sub, form, bytes([bit]))
                    eff, gpa = bit % bits, form.gpa
                else:
                    # bit offsets that stay within +-1 operand of the base
                    disp = rnd.choice([-1, 0, 1])
                    bit = disp * bits + rnd.randrange(bits)
                    rc, rname, _ = pick_reg(mode, 2, k, form)
                    if rname == 'RAX' and rc == 4:
                        rname = 'RCX'
                        rc = 1
                    rv = (rnd.getrandbits(64) & ~mask(size)) | (bit & mask(size))
                    regs[rname] = rv
                    code = encode(mode, size, b'\x0f' + bytes([opc]), rc, form)
                    eff, gpa = bit % bits, form.gpa + disp * size
                a = rand_val(size)
                cfv = (a >> eff) & 1
                res = {'bt': a, 'bts': a | (1 << eff), 'btr': a & ~(1 << eff),
                       'btc': a ^ (1 << eff)}[op]
                log = [cb('r', gpa, size, a)]
                mout = []
                if op != 'bt':
                    log.append(cb('w', gpa, size, res))
                    mout = [(gpa, size, res)]
                add_case('%s %s size %u %s #%u' % (op, kind, size, mode, k), mode, code, regs,
                         [(gpa, size, a)], fin, {}, mout, CF if cfv else 0, CF, ARITH & ~CF, log)


def gen_mov():
    k = 4000
    for size in (1, 2, 4, 8):
        for kind in ('store', 'load', 'imm', 'xchg'):
            for rep in range(2):
                k += 1
                mode = pick_mode(size, k)
                form = Form(mode, k, 0xc00 + 8 * (k % 60))
                a = rand_val(size)
                regs = dict(form.regs)
                fin = rand_flags()
                if kind == 'imm':
                    isz = 1 if size == 1 else 2 if size == 2 else 4
                    immv = rnd.getrandbits(8 * isz)
                    v = sext(immv, isz) & mask(size)
                    code = encode(mode, size, bytes([0xc6 if size == 1 else 0xc7]), 0, form,
                                  immv.to_bytes(isz, 'little'))
                    add_case('mov imm size %u %s #%u' % (size, mode, k), mode, code, regs, [],
                             fin, {}, [(form.gpa, size, v)], 0, 0, 0, [cb('w', form.gpa, size, v)])
                    continue
                rc, rname, high8 = pick_reg(mode, size, k, form)
                rv = rnd.getrandbits(64)
                regs[rname] = rv
                r_op = (rv >> 8) & 0xff if high8 else rv & mask(size)
                w = 0 if size == 1 else 1
                if kind == 'store':
                    code = encode(mode, size, bytes([0x88 + w]), rc, form)
                    add_case('mov store size %u %s #%u' % (size, mode, k), mode, code, regs, [],
                             fin, {}, [(form.gpa, size, r_op)], 0, 0, 0,
                             [cb('w', form.gpa, size, r_op)])
                elif kind == 'load':
                    code = encode(mode, size, bytes([0x8a + w]), rc, form)
                    add_case('mov load size %u %s #%u' % (size, mode, k), mode, code, regs,
                             [(form.gpa, size, a)], fin, {rname: regw(rv, size, a, high8)}, [],
                             0, 0, 0, [cb('r', form.gpa, size, a)])
                else:
                    code = encode(mode, size, bytes([0x86 + w]), rc, form)
                    add_case('xchg size %u %s #%u' % (size, mode, k), mode, code, regs,
                             [(form.gpa, size, a)], fin, {rname: regw(rv, size, a, high8)},
                             [(form.gpa, size, r_op)], 0, 0, 0,
                             [cb('r', form.gpa, size, a), cb('w', form.gpa, size, r_op)])


def gen_movx():
    k = 5000
    for opname, opc, src in (('movzx', 0xb6, 1), ('movzx', 0xb7, 2), ('movsx', 0xbe, 1),
                             ('movsx', 0xbf, 2)):
        for size in (2, 4, 8):
            k += 1
            mode = pick_mode(size, k)
            form = Form(mode, k, 0xe00 + 8 * (k % 30))
            a = rand_val(src)
            regs = dict(form.regs)
            rc, rname, _ = pick_reg(mode, 2, k, form)
            rv = rnd.getrandbits(64)
            regs[rname] = rv
            v = a if opname == 'movzx' else sext(a, src) & M64
            code = encode(mode, size, b'\x0f' + bytes([opc]), rc, form)
            add_case('%s src %u size %u %s #%u' % (opname, src, size, mode, k), mode, code, regs,
                     [(form.gpa, src, a)], 0, {rname: regw(rv, size, v & mask(size))}, [],
                     0, 0, 0, [cb('r', form.gpa, src, a)])


gen_alu()
gen_unary()
gen_test()
gen_bt()
gen_mov()
gen_movx()

out = ['/* Generated by gen_vectors.py (seed %d); do not edit. */' % SEED,
       'static const struct av_case av_gen_cases[] = {']
out += cases
out.append('};')
text = '\n'.join(out) + '\n'
if len(sys.argv) == 3 and sys.argv[1] == '--check':
    with open(sys.argv[2]) as f:
        same = f.read() == text
    print('ok 1 - %s is up to date with gen_vectors.py' % sys.argv[2] if same else
          'not ok 1 - %s differs from gen_vectors.py output: regenerate it' % sys.argv[2])
    print('1..1')
    sys.exit(0 if same else 1)
sys.stdout.write(text)

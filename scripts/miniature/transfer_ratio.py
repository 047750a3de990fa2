#!/usr/bin/env python3
"""S2-Attn's transfer ratio from a result file's export (issue 14; docs/miniature.md).

    longlora export results/miniature-ladder.h5 --format csv | \
        python3 scripts/miniature/transfer_ratio.py --by base.steps --name miniature-ladder

For each value of --by and each seed, with every model tested with full attention at the
fine-tuned length:
    ratio = (ppl(S2-trained) - ppl(full-trained)) / (ppl(short-trained) - ppl(full-trained))
0: S2 carries over completely; 1: S2 is no better than short attention. Writes
results/NAME-transfer.md (mean, 95% Student-t interval over seeds, each seed's ratio) and
plots/NAME-transfer.{dat,gp,png,svg} (ratio against --by, with the interval as error bars).
"""
import argparse, csv, math, os, statistics, subprocess, sys

# The paper's Table 1 (Llama2 7B, fine-tuned and tested at 8192): full 8.02, short 8.29,
# S2 8.04 tested with full attention.
PAPER_RATIO = (8.04 - 8.02) / (8.29 - 8.02)

# Two-sided 95% Student-t quantiles by degrees of freedom.
T95 = {1: 12.706, 2: 4.303, 3: 3.182, 4: 2.776, 5: 2.571, 6: 2.447, 7: 2.365, 8: 2.306, 9: 2.262, 10: 2.228}


def interval(values):
    mean = statistics.fmean(values)
    if len(values) < 2:
        return mean, float('nan')
    return mean, T95.get(len(values) - 1, 1.96) * statistics.stdev(values) / math.sqrt(len(values))


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument('--by', required=True, help='the config key the ratio is drawn against (base.steps, finetune.optimizer.lr)')
    parser.add_argument('--name', required=True, help='experiment name: results/NAME-transfer.md, plots/NAME-transfer.*')
    parser.add_argument('--xlabel', default=None)
    parser.add_argument('--input', default='-', help='the CSV of `longlora export` (default: standard input)')
    args = parser.parse_args()
    rows = list(csv.DictReader(sys.stdin if args.input == '-' else open(args.input, newline='')))
    if not rows:
        sys.exit('transfer_ratio: the export has no rows')
    for key in (args.by, 'finetune.attention', 'attention', 'metric', 'length', 'config.seed', 'status'):
        if key not in rows[0]:
            sys.exit(f"transfer_ratio: the export has no column '{key}' (columns: {', '.join(rows[0])})")
    # ppl[(by, seed)][training pattern] at the largest evaluated length, tested with full attention.
    ppl, lengths = {}, set()
    for r in rows:
        if r['status'] != 'complete' or not r['metric'].endswith('/perplexity') or r['attention'] != 'full':
            continue
        lengths.add(int(r['length']))
        ppl.setdefault((r[args.by], r['config.seed'], int(r['length'])), {})[r['finetune.attention']] = float(r['value'])
    if not lengths:
        sys.exit('transfer_ratio: no complete perplexity tested with full attention')
    length = max(lengths)
    by_values = sorted({k[0] for k in ppl}, key=float)
    table = []
    for value in by_values:
        cells = {seed: p for (v, seed, n), p in ppl.items() if v == value and n == length}
        complete = {seed: p for seed, p in cells.items() if {'full', 'short', 's2'} <= p.keys()}
        if not complete:
            continue
        ratios = {seed: (p['s2'] - p['full']) / (p['short'] - p['full']) for seed, p in sorted(complete.items())}
        means = {pattern: statistics.fmean(p[pattern] for p in complete.values()) for pattern in ('full', 'short', 's2')}
        table.append((value, means, interval(list(ratios.values())), ratios))
    if not table:
        sys.exit('transfer_ratio: no value of --by has full, short and s2 runs of one seed')
    os.makedirs('results', exist_ok=True)
    os.makedirs('plots', exist_ok=True)
    name, xlabel = args.name, args.xlabel or args.by
    lines = [f'**S2-Attn transfer ratio against {xlabel}** (tested with full attention at {length} tokens; '
             '0: S2 carries over completely, 1: no better than short attention)', '',
             f'| {xlabel} | full | short, tested full | S2, tested full | transfer ratio | per seed |',
             '|---:|---:|---:|---:|---:|---|']
    for value, means, (mean, half), ratios in table:
        per_seed = ', '.join(f'{seed}: {r:.2f}' for seed, r in ratios.items())
        lines.append(f"| {value} | {means['full']:.2f} | {means['short']:.2f} | {means['s2']:.2f} | {mean:.2f} ± {half:.2f} | {per_seed} |")
    lines += ['', f'_mean ± 95% CI over seeds (Student t); n = {len(table[0][3])} seeds per row_', '']
    with open(f'results/.{name}-transfer.md.tmp', 'w') as f:
        f.write('\n'.join(lines))
    os.replace(f'results/.{name}-transfer.md.tmp', f'results/{name}-transfer.md')
    with open(f'plots/{name}-transfer.dat', 'w') as f:
        f.write(f'# {args.by} ratio_mean ratio_ci95\n')
        for value, _, (mean, half), _ in table:
            f.write(f'{value} {mean:.6f} {0 if math.isnan(half) else half:.6f}\n')
    log = 'set logscale x\n' if float(by_values[-1]) / float(by_values[0]) >= 10 else ''
    script = f'''set title "S2-Attn transfer ratio ({length} tokens, tested with full attention)"
set xlabel "{xlabel}"
set ylabel "transfer ratio (0: S2 carries over, 1: like short)"
{log}set key bottom right
set grid ytics
set offsets graph 0.08, graph 0.08, 0, 0
set yrange [-0.5:1.5]
plot "{name}-transfer.dat" using 1:2:3 with yerrorlines lw 2 pt 7 ps 1.2 lc rgb "#0072B2" title "S2 (mean, 95% CI over seeds)", \\
     1 with lines lw 1.5 dt 2 lc rgb "#D55E00" title "1: no better than short attention", \\
     {PAPER_RATIO} with lines lw 1.5 dt 4 lc rgb "#009E73" title "paper, Table 1 at 8192: {PAPER_RATIO:.2f}", \\
     0 with lines lw 1.5 dt 3 lc rgb "#000000" title "0: carries over completely"
'''
    with open(f'plots/{name}-transfer.gp', 'w') as f:
        f.write(script)
    for terminal, ext in (('pngcairo size 800,500 font "Helvetica,11"', 'png'), ('svg size 800,500 font "Helvetica,11"', 'svg')):
        subprocess.run(['gnuplot', '-e', f"set terminal {terminal}; set output '{name}-transfer.{ext}'", f'{name}-transfer.gp'],
                       cwd='plots', check=True)
    print('\n'.join(lines))


if __name__ == '__main__':
    main()

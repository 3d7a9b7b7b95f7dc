"""The ``adoption-advisor`` command line.

Exit codes: 0 success, 2 bad input (the located message goes to stderr), 1 an
internal error (a bug: reported in one line, without a traceback) — and, for
``calibrate`` only, 1 when a reference decision disagrees with the rubric.
"""

from __future__ import annotations

import argparse
import io
import json
import os
import stat
import sys
import tempfile
from collections.abc import Sequence
from datetime import date
from pathlib import Path
from typing import Any

from scoring.answers import load_answers, read_rubric_id
from scoring.catalogue import (
    DEFAULT_MAX_AGE_DAYS,
    KIND_NOUNS,
    DatedEntry,
    PriceCatalogue,
    catalogue_json_schema,
    default_catalogue_path,
    future_entries,
    load_catalogue,
    merge_catalogues,
    shipped_catalogue,
    stale_entries,
)
from scoring.errors import AdvisorError, NotEnoughAnswers
from scoring.estimate import Estimate
from scoring.limits import MAX_PROBLEMS_REPORTED, clip, more_problems
from scoring.loader import load_rubric
from scoring.models import Rubric
from scoring.rubrics import default_rubric_path, find_rubric, rubric_dir
from scoring.text import format_number

__all__ = ["main", "rubric_json_schema"]

EXIT_OK, EXIT_INTERNAL, EXIT_BAD_INPUT = 0, 1, 2
#: ``calibrate`` only: the rubric disagrees with at least one reference decision.
EXIT_DISAGREES = 1


def rubric_json_schema() -> dict[str, object]:
    """JSON Schema for rubric files, generated from the pydantic models."""
    schema = Rubric.model_json_schema()
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": "https://adoption-advisor.invalid/rubric.schema.json",
        **schema,
    }


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="adoption-advisor",
        description="Validate rubrics and score foundation-model adoption assessments.",
    )
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    validate = commands.add_parser("validate", help="check rubric files; list every problem")
    validate.add_argument("rubrics", nargs="+", metavar="RUBRIC", help="rubric YAML files")

    score = commands.add_parser("score", help="score an answers file and render the report")
    score.add_argument("answers", metavar="ANSWERS", help="answers file (YAML or JSON)")
    score.add_argument(
        "--rubric",
        metavar="PATH",
        help="rubric file (default: the rubric the answers name, else rubric/default.yaml)",
    )
    score.add_argument(
        "--format", choices=["json", "md", "html", "pdf"], default="json", help="default: json"
    )
    score.add_argument("-o", "--output", metavar="OUT", help="write here instead of stdout")
    score.add_argument(
        "--prices",
        metavar="FILE",
        help="a company price catalogue (YAML or JSON) laid over the shipped one "
        "(rubric/prices/default.yaml); options' usage is priced from both",
    )

    commands.add_parser("schema", help="print the JSON Schema of the rubric format")

    commands.add_parser(
        "app",
        help="start the web app (options such as --server.port 8502 go to Streamlit)",
        description="Start the Adoption Advisor web app. Every option after 'app' is passed to "
        "'streamlit run' unchanged, e.g. --server.port 8502 or --server.headless true.",
        add_help=False,  # so --help reaches Streamlit's own option list too
    )

    calibrate = commands.add_parser(
        "calibrate",
        help="score a folder of reference decisions and compare with their expected verdicts",
        description="Exit 0 when every case agrees, 1 when any disagrees, 2 on bad input.",
    )
    calibrate.add_argument(
        "cases", metavar="DIR", help="folder of case files (see examples/reference/README.md)"
    )
    calibrate.add_argument(
        "--rubric", metavar="PATH", help="rubric file (default: rubric/default.yaml)"
    )
    calibrate.add_argument(
        "--format", choices=["text", "json"], default="text", help="default: text"
    )

    _add_prices_parser(commands)

    database = argparse.ArgumentParser(add_help=False)
    database.add_argument(
        "--database",
        metavar="URL",
        help="database URL (default: $ADVISOR_DATABASE_URL, else data/advisor.db)",
    )
    export = commands.add_parser(
        "export", parents=[database], help="write all assessments and policy versions as JSON"
    )
    export.add_argument("-o", "--output", metavar="OUT", help="write here instead of stdout")
    restore = commands.add_parser(
        "import", parents=[database], help="load a JSON backup (existing ids are left as they are)"
    )
    restore.add_argument("backup", metavar="BACKUP", help="file written by 'export'")
    rescore = commands.add_parser(
        "rescore",
        parents=[database],
        help="score every saved assessment under a policy version and print what changes",
    )
    rescore.add_argument("version", metavar="VERSION", help="version number or RUBRIC_ID:VERSION")
    rescore.add_argument(
        "--apply", action="store_true", help="also move the assessments to that version"
    )
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """``adoption-advisor``: 0 done, 1 internal error (or calibration disagrees), 2 bad input."""
    arguments = list(sys.argv[1:] if argv is None else argv)
    if arguments[:1] == ["app"]:
        return run_app(arguments[1:])
    args = _parser().parse_args(arguments)
    try:
        if args.command == "validate":
            return _validate(args.rubrics)
        if args.command == "score":
            return _score(args)
        if args.command == "calibrate":
            return _calibrate(args)
        if args.command == "schema":
            print(json.dumps(rubric_json_schema(), indent=2))
            return EXIT_OK
        if args.command == "prices":
            return _prices(args)
        return _database_command(args)
    except AdvisorError as exc:
        _report_problems(exc)
        return EXIT_BAD_INPUT
    except KeyboardInterrupt:
        return 130
    except Exception as exc:  # a bug: say so in one line, never a traceback
        print(f"adoption-advisor: internal error: {type(exc).__name__}: {exc}", file=sys.stderr)
        return EXIT_INTERNAL


def run_app(streamlit_options: Sequence[str]) -> int:
    """Run the app's entry script (shipped inside the package, so this works from a wheel
    with no checkout) under ``streamlit run``, passing options through unchanged."""
    from streamlit.web import cli as streamlit_cli

    import ui.main

    script = str(Path(ui.main.__file__).resolve())
    try:
        streamlit_cli.main(["run", script, *streamlit_options], prog_name="adoption-advisor app")
    except SystemExit as exc:  # click ends every command with SystemExit
        return exc.code if isinstance(exc.code, int) else EXIT_BAD_INPUT
    return EXIT_OK


def _report_problems(exc: AdvisorError) -> None:
    for problem in exc.problems[:MAX_PROBLEMS_REPORTED]:
        print(f"error: {problem}", file=sys.stderr)
    count = len(exc.problems)
    if rest := more_problems(count):
        print(rest, file=sys.stderr)
    if count > 1:
        print(f"{count:,} problems found", file=sys.stderr)


def _validate(paths: Sequence[str]) -> int:
    status = EXIT_OK
    for path in paths:
        try:
            rubric = load_rubric(path)
        except AdvisorError as exc:
            _report_problems(exc)
            status = EXIT_BAD_INPUT
            continue
        print(
            f"ok: {path} — {rubric.id} v{rubric.version}, {len(rubric.sections)} sections, "
            f"{len(rubric.questions)} questions, {len(rubric.hard_rules)} hard rules"
        )
    return status


def _calibrate(args: argparse.Namespace) -> int:
    from scoring.calibration import calibrate, calibration_text, load_cases

    rubric = load_rubric(args.rubric or default_rubric_path())
    result = calibrate(rubric, load_cases(args.cases))
    if args.format == "json":
        data = result.model_dump(mode="json")
        data["agreeing"], data["matrix"] = result.agreeing, result.matrix()
        print(json.dumps(data, indent=2, ensure_ascii=False))
    else:
        sys.stdout.write(calibration_text(result))
    # 1 means "the rubric disagrees with known decisions", as a test runner's failure does.
    return EXIT_OK if not result.disagreeing else EXIT_DISAGREES


def _resolve_rubric(args: argparse.Namespace) -> Path:
    if args.rubric:
        return Path(args.rubric)
    named = read_rubric_id(args.answers)
    if named:
        found = find_rubric(named)
        if found is None:
            raise AdvisorError(
                f"{args.answers}: the answers name rubric {clip(named, 64)!r}, but no rubric "
                f"with that id is in {rubric_dir()}; pass --rubric PATH"
            )
        return found
    return default_rubric_path()


def _score(args: argparse.Namespace) -> int:
    from advisor.reports.model import build_report
    from advisor.reports.render import render

    rubric = load_rubric(_resolve_rubric(args))
    # Read before the answers: their usage blocks are checked against it. The base is the
    # catalogue the app lays a company file over too, so both write the same report.
    catalogue = None
    if args.prices:
        catalogue = merge_catalogues(shipped_catalogue(), load_catalogue(args.prices))
    answers = load_answers(args.answers, rubric, catalogue=catalogue)
    try:
        report = build_report(rubric, answers, catalogue=catalogue)
    except NotEnoughAnswers as exc:
        raise exc.in_file(args.answers) from None
    for warning in report.result.warnings:
        print(f"warning: {args.answers}: {warning}", file=sys.stderr)
    if args.format == "pdf" and not args.output and sys.stdout.isatty():
        raise AdvisorError("a PDF is binary and cannot go to the terminal; pass -o FILE.pdf")
    data = render(report, args.format)
    if args.output:
        try:
            Path(args.output).write_bytes(data)
        except OSError as exc:
            raise AdvisorError(f"{args.output}: cannot write the report: {exc.strerror}") from None
    else:
        sys.stdout.buffer.write(data)
        sys.stdout.flush()
    return EXIT_OK


# --- prices: the price catalogue ---------------------------------------------------------------


def _add_prices_parser(commands: Any) -> None:
    prices = commands.add_parser(
        "prices",
        help="check or show a price catalogue (model and GPU prices with their sources)",
        description="The price catalogue holds planning prices, each with its source and the "
        "date it was checked. A company file overrides entries by id and adds new ones.",
    )
    actions = prices.add_subparsers(dest="prices_command", required=True, metavar="ACTION")
    dating = argparse.ArgumentParser(add_help=False)
    dating.add_argument(
        "--max-age-days",
        type=_days,
        default=DEFAULT_MAX_AGE_DAYS,
        metavar="DAYS",
        help=f"entries checked longer ago than this are stale (default: {DEFAULT_MAX_AGE_DAYS})",
    )
    dating.add_argument(
        "--today",
        type=_day,
        metavar="YYYY-MM-DD",
        help="measure ages from this day (default: today)",
    )
    check = actions.add_parser(
        "check",
        parents=[dating],
        help="validate a catalogue file and list its stale entries",
        description="Exit 0 when the file is valid (stale entries are listed, not refused), "
        "2 when it is not (every problem with its file, line and field path).",
    )
    check.add_argument("file", metavar="FILE", help="catalogue file (YAML or JSON)")
    show = actions.add_parser(
        "show", parents=[dating], help="list every entry with its source and checked date"
    )
    show.add_argument(
        "--prices",
        metavar="FILE",
        help="a company catalogue laid over the shipped one (rubric/prices/default.yaml)",
    )
    actions.add_parser("schema", help="print the JSON Schema of catalogue files")


def _days(text: str) -> int:
    try:
        days = int(text)
    except ValueError:
        days = -1
    if days < 0:
        raise argparse.ArgumentTypeError(
            f"expected a whole number of days, 0 or more, found {text!r}"
        )
    return days


def _day(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"expected a date written YYYY-MM-DD, found {text!r}"
        ) from None


def _prices(args: argparse.Namespace) -> int:
    if args.prices_command == "schema":
        print(json.dumps(catalogue_json_schema(), indent=2))
        return EXIT_OK
    today = args.today or date.today()
    if args.prices_command == "check":
        catalogue = load_catalogue(args.file)
        _flush_stdout(_check_text(args.file, catalogue, today, args.max_age_days))
        return EXIT_OK
    catalogue = load_catalogue(
        default_catalogue_path(), display_name=_shown_path(default_catalogue_path())
    )
    if args.prices:
        catalogue = merge_catalogues(catalogue, load_catalogue(args.prices))
    _flush_stdout(_catalogue_text(catalogue, today, args.max_age_days))
    return EXIT_OK


def _check_text(file: str, catalogue: PriceCatalogue, today: date, max_age_days: int) -> str:
    """What ``prices check`` says of a valid file: what it holds, then each stale entry."""
    counts = [
        _count(len(catalogue.tiers), "tier"),
        _count(len(catalogue.offerings), "offering"),
        _count(len(catalogue.gpu_classes), "GPU class", "GPU classes"),
        _count(len(catalogue.self_hosted_sizes), "self-hosted size"),
    ]
    if catalogue.utilisation is not None:
        counts.append("utilisation")
    entries = list(catalogue.dated_entries())
    oldest = min((entry.checked for _, _, entry in entries), default=None)
    since = f"; oldest checked {oldest.isoformat()}" if oldest else ""
    lines = [
        f"ok: {_printable(file)} — catalogue {catalogue.id!r} ({catalogue.currency}): "
        f"{', '.join(counts)}{since}"
    ]
    stale = stale_entries(catalogue, today, max_age_days)
    lines += [
        f"stale: {KIND_NOUNS[entry.kind]} {entry.id!r} checked {entry.checked.isoformat()}, "
        f"{entry.age_days:,} days ago"
        for entry in stale
    ]
    lines += [
        f"warning: {KIND_NOUNS[entry.kind]} {entry.id!r} checked {entry.checked.isoformat()}, "
        f"after {today.isoformat()}; is the date a typo?"
        for entry in future_entries(catalogue, today)
    ]
    if stale:
        lines.append(
            f"{len(stale)} of {len(entries)} entries were checked more than {max_age_days} days "
            f"before {today.isoformat()}; re-check them against their sources"
        )
    else:
        lines.append(f"every entry was checked within {max_age_days} days of {today.isoformat()}")
    return "\n".join(lines) + "\n"


def _count(number: int, noun: str, plural: str | None = None) -> str:
    """ "1 GPU class", "4 GPU classes", "0 tiers"."""
    return f"{number:,} {noun if number == 1 else plural or noun + 's'}"


def _shown_path(path: Path) -> str:
    """``path`` relative to the working directory when it is below it (as people typed it)."""
    try:
        return str(path.relative_to(Path.cwd()))
    except ValueError:
        return str(path)


def _catalogue_text(catalogue: PriceCatalogue, today: date, max_age_days: int) -> str:
    """Every entry of ``catalogue``, two lines each: the figures, then when and where from."""
    money = catalogue.currency
    lines = [
        f"Price catalogue {catalogue.id!r}: {_printable(catalogue.title)} ({money})",
        f"from {' + '.join(_printable(f) for f in catalogue.files)}",
        f"Planning estimates; * marks an entry checked more than {max_age_days} days before "
        f"{today.isoformat()}.",
    ]

    def dated(entry: DatedEntry) -> str:
        mark = " *" if (today - entry.checked).days > max_age_days else ""
        return (
            f"      checked {entry.checked.isoformat()}{mark} · source: {_printable(entry.source)}"
        )

    if catalogue.tiers:
        lines += ["", f"Tiers ({money} per million tokens, low / expected / high)"]
        for tier in catalogue.tiers:
            lines.append(
                f"  {tier.id}: {_printable(tier.title)}; input {_triple(tier.input_per_million)}, "
                f"output {_triple(tier.output_per_million)}{_batch(tier.batch_discount)}"
            )
            lines.append(dated(tier))
    if catalogue.offerings:
        lines += ["", f"Offerings ({money} per million tokens)"]
        for offer in catalogue.offerings:
            context = f"; context {offer.context_tokens:,} tokens" if offer.context_tokens else ""
            lines.append(
                f"  {offer.id}: {_printable(offer.model)} at {_printable(offer.provider)}, "
                f"{offer.tier} tier; input {_money(offer.input_per_million)}, "
                f"output {_money(offer.output_per_million)}{_batch(offer.batch_discount)}{context}"
            )
            lines.append(dated(offer))
    if catalogue.gpu_classes:
        lines += ["", f"GPU classes ({money} per GPU-hour on demand, low / expected / high)"]
        for gpu in catalogue.gpu_classes:
            lines.append(
                f"  {gpu.id}: {_printable(gpu.title)}; {_triple(gpu.hourly_price)}; "
                f"spot {_shares(gpu.spot_discount)} off, one-year reservation "
                f"{_shares(gpu.reserved_1y_discount)} off; throughput "
                f"{gpu.relative_throughput:g} × an H100"
            )
            lines.append(dated(gpu))
    if catalogue.self_hosted_sizes:
        lines += ["", "Self-hosted sizes (generated tokens per second per H100-class GPU)"]
        for size in catalogue.self_hosted_sizes:
            per_gpu = size.tokens_per_second_per_gpu
            lines.append(
                f"  {size.id}: {_printable(size.title)}, {_printable(size.params)}; "
                f"{per_gpu.low:,.0f} / {per_gpu.expected:,.0f} / {per_gpu.high:,.0f} tokens/s; "
                f"{size.gpus_per_replica} GPU{'s' if size.gpus_per_replica != 1 else ''} "
                "per replica"
            )
            lines.append(dated(size))
    if catalogue.utilisation is not None:
        lines += [
            "",
            "Utilisation (share of paid GPU hours doing useful work)",
            f"  {_shares(catalogue.utilisation.share)}",
            dated(catalogue.utilisation),
        ]
    return "\n".join(lines) + "\n"


def _money(value: float) -> str:
    return f"{value:,.2f}" if value < 1000 else f"{value:,.0f}"


def _triple(estimate: Estimate) -> str:
    return " / ".join(_money(v) for v in (estimate.low, estimate.expected, estimate.high))


def _shares(estimate: Estimate) -> str:
    return " / ".join(_percent(v) for v in (estimate.low, estimate.expected, estimate.high))


def _percent(share: float) -> str:
    return f"{format_number(round(share * 100, 1))} %"


def _batch(discount: float) -> str:
    return f"; batch {_percent(discount)} off" if discount else ""


def _database_command(args: argparse.Namespace) -> int:
    import sqlalchemy as sa

    from advisor.storage import BackupRefused, Store, database_error

    store = Store(args.database)  # a bad URL or data directory: DatabaseUnavailable
    try:
        status = _run_database_command(args, store)
        _flush_stdout()
        return status
    except BackupRefused as exc:
        _report_problems(exc)
        print(
            f"error: {args.backup}: the backup is refused as a whole; nothing was imported",
            file=sys.stderr,
        )
        return EXIT_BAD_INPUT
    except sa.exc.SQLAlchemyError as exc:  # down, corrupt, read-only, full
        unavailable = database_error(exc, store.url)
        if unavailable is None:
            raise
        raise unavailable from None
    finally:
        store.engine.dispose()


def _flush_stdout(text: str = "") -> None:
    """``text`` written and standard output flushed now, so a full disk or a closed pipe is
    reported rather than lost."""
    try:
        sys.stdout.write(text)
        sys.stdout.flush()
    except OSError as exc:
        _silence_stdout()
        raise AdvisorError(f"cannot write to standard output: {exc.strerror or exc}") from None


def _silence_stdout() -> None:
    # What is still buffered would fail again at exit and turn the exit status into 120.
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    except (OSError, ValueError, io.UnsupportedOperation):
        pass


def _run_database_command(args: argparse.Namespace, store: Any) -> int:
    store.migrate()
    if args.command == "export":
        text = json.dumps(store.export_all(), indent=2, ensure_ascii=False) + "\n"
        if args.output:
            _write_backup(args.output, text.encode("utf-8"))
        else:
            _flush_stdout(text)
        return EXIT_OK
    if args.command == "import":
        backup = _read_backup(args.backup)
        versions, items = store.import_all(backup, file=args.backup)
        print(f"imported {versions} policy versions and {items} assessments into {store.dialect}")
        return EXIT_OK
    version = store.find_version(args.version)
    changes = store.apply_version(version) if args.apply else store.rescore(version.rubric())
    changed = [c for c in changes if c.verdict_changed]
    for change in changes:
        marker = "*" if change.verdict_changed else " "
        print(
            f"{marker} {change.id}  {_cell(change.before_verdict)} -> {_cell(change.after_verdict)}  "
            f"{_number(change.before_score)} -> {_number(change.after_score)}  "
            f"{_printable(change.title)}"
        )
    action = "moved to" if args.apply else "scored under"
    print(
        f"{len(changes)} assessments {action} {version.label}; "
        f"{len(changed)} verdicts change (marked *)"
    )
    return EXIT_OK


def _write_backup(path: str, data: bytes) -> None:
    """Written whole or not at all: a full disk leaves no half backup behind (the file is
    readable by its owner only, as it holds every assessment)."""
    target = Path(path)
    part: Path | None = None
    try:
        if target.exists() and not target.is_file():  # /dev/stdout, a pipe: written as is
            with target.open("wb") as handle:
                handle.write(data)
            return
        with tempfile.NamedTemporaryFile(
            dir=target.parent, prefix=f".{target.name}.", suffix=".part", delete=False
        ) as handle:
            part = Path(handle.name)
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(part, target)
    except OSError as exc:
        if part is not None:
            part.unlink(missing_ok=True)
        raise AdvisorError(
            f"{path}: cannot write the backup: {exc.strerror or exc}; nothing was written"
        ) from None


def _read_backup(path: str) -> dict[str, Any]:
    # Backups can be larger than a rubric: read them as JSON with the usual located errors.
    try:
        if not stat.S_ISREG(os.stat(path).st_mode):  # a pipe with no writer would hang
            raise AdvisorError(f"{path}: expected a file written by 'adoption-advisor export'")
        text = Path(path).read_text(encoding="utf-8")
    except FileNotFoundError:
        raise AdvisorError(f"{path}: file not found") from None
    except (OSError, ValueError) as exc:  # UnicodeDecodeError, a NUL in the path
        raise AdvisorError(f"{path}: cannot be read as UTF-8 text: {exc}") from None
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise AdvisorError(
            f"{path}:{exc.lineno}:{exc.colno}: JSON syntax error: {exc.msg}"
        ) from None
    except ValueError:  # only an integer of thousands of digits gets here
        raise AdvisorError(
            f"{path}: a number has more than 4,300 digits; "
            "expected a file written by 'adoption-advisor export'"
        ) from None
    except RecursionError:
        raise AdvisorError(
            f"{path}: nested too deeply to be a backup written by 'adoption-advisor export'"
        ) from None
    if not isinstance(data, dict):
        raise AdvisorError(f"{path}: expected a JSON object written by 'adoption-advisor export'")
    return data


def _printable(text: str) -> str:
    """Text with control and bidirectional-override characters shown as escapes, so a
    title cannot move the cursor, recolour the terminal or reverse the line."""
    return "".join(c if c.isprintable() else repr(c)[1:-1] for c in text)


def _cell(verdict: str | None) -> str:
    return f"{verdict or '-':<9}"


def _number(value: float | None) -> str:
    return "  -  " if value is None else f"{value:5.1f}"


if __name__ == "__main__":
    raise SystemExit(main())

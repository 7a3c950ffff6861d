"""``zoo sample MODEL_DIR --seed-text ... --length N --temperature T``: generate text."""

from __future__ import annotations

HELP = ("generate text with a character model saved by `zoo train lstm --data text` or "
        "`zoo tune lstm --data text`")


def add_arguments(parser) -> None:
    parser.add_argument("model_dir", metavar="MODEL_DIR",
                        help="directory holding model.keras (zoo train) or best_model.keras (zoo "
                             "tune) and vocab.json, or a .keras file with vocab.json beside it")
    parser.add_argument("--seed-text", default="The ",
                        help="text to continue (default: %(default)r)")
    parser.add_argument("--length", type=int, default=200,
                        help="characters to generate (default: %(default)s)")
    parser.add_argument("--temperature", type=float, default=0.5,
                        help="sampling temperature > 0: low is conservative, 1.0 samples the "
                             "model's distribution (default: %(default)s)")
    parser.add_argument("--seed", type=int, default=None,
                        help="seed of the draws; the same seed gives the same text (default: "
                             "different text every run)")
    parser.add_argument("--continuation-only", action="store_true",
                        help="print only the generated characters, not the seed text")


def run(args) -> int:
    from zoo._validate import check_number, check_positive_int

    fn = "zoo sample"
    # Checked before TensorFlow loads anything, with the option names the user typed.
    if not args.seed_text:
        raise ValueError(f"{fn}: --seed-text must not be empty")
    check_positive_int(fn, "--length", args.length)
    check_number(fn, "--temperature", args.temperature, low=0.0, low_inclusive=False)
    if args.seed is not None:
        check_positive_int(fn, "--seed", args.seed, allow_zero=True)

    from zoo.text import load_model, sample

    model, vocab = load_model(args.model_dir)
    generated = sample(model, vocab, args.seed_text, args.length, args.temperature,
                       seed=args.seed)
    print(generated if args.continuation_only else args.seed_text + generated)
    return 0

"""``zoo generate --data digits|DIR --epochs N --out DIR``: train a DCGAN, write grids and quality.

A thin wrapper: the job is :func:`zoo.generate` (``zoo.gan.job``), which writes
``grids/``, ``samples.png``, ``dcgan.keras`` and ``quality.json`` into ``DIR``.
"""

from __future__ import annotations

from zoo.commands._options import data_help, library_defaults

HELP = "train a DCGAN on image data; write sample grids, the model and quality numbers"


def add_arguments(parser) -> None:
    from zoo.data import IMAGE_SETS
    from zoo.gan.job import generate

    default = library_defaults(generate)
    parser.add_argument("--data", default=default["data"],
                        help=data_help(IMAGE_SETS, what="image data",
                                       paths="a folder of images with one subfolder per class, "
                                             "streamed") + "; digits is embedded "
                        "and up-sampled to --image-size, mnist, fashion_mnist and cifar10 are "
                        "read from Keras' cache")
    parser.add_argument("--image-size", type=int, default=default["image_size"], metavar="PIXELS",
                        help="side of the digits or of a folder's images: 16 or 32")
    parser.add_argument("--color-mode", choices=("grayscale", "rgb", "rgba"),
                        default=default["color_mode"],
                        help="an image folder's channels (default: grayscale when every image "
                             "is, else rgb)")
    parser.add_argument("--epochs", type=int, default=default["epochs"], metavar="N",
                        help="passes over the images (see also --max-seconds)")
    parser.add_argument("--max-seconds", type=float, default=default["max_seconds"],
                        metavar="S", help="stop training after this many seconds, checked "
                        "every batch (default: no limit)")
    parser.add_argument("--batch-size", type=int, default=default["batch_size"], metavar="N",
                        help="batch size (default: the DCGAN's, 64)")
    parser.add_argument("--latent-dim", type=int, default=default["latent_dim"], metavar="N",
                        help="size of the generator's random input")
    parser.add_argument("--base-filters", type=int, default=default["base_filters"],
                        metavar="N", help="generator width (default: build_dcgan's, 48; the "
                        "discriminator keeps build_dcgan's 32)")
    parser.add_argument("--ema-decay", type=_ema_decay, default=default["ema_decay"],
                        help="decay of the generator weight average used for sampling "
                             "(default: the DCGAN's, 0.999; 'none' samples the trained weights)")
    parser.add_argument("--samples", type=int, default=default["samples"], metavar="N",
                        help="generated images scored by the quality classifier")
    parser.add_argument("--grid-every", type=int, default=default["grid_every"], metavar="N",
                        help="epochs between sample grids")
    parser.add_argument("--seed", type=int, default=default["seed"],
                        help="seed of the data split, the networks and the draws")
    parser.add_argument("--out", required=True, metavar="DIR",
                        help="output directory: grids/, samples.png, dcgan.keras, quality.json "
                             "(created)")


def _ema_decay(text):
    """``--ema-decay``: a float, ``none`` or ``default``."""
    if text.lower() in ("none", "default"):
        return text.lower()
    return float(text)


def run(args) -> int:
    from zoo.gan.job import generate

    report = generate(args.data, out=args.out, epochs=args.epochs, image_size=args.image_size,
                      color_mode=args.color_mode,
                      max_seconds=args.max_seconds, batch_size=args.batch_size,
                      latent_dim=args.latent_dim, base_filters=args.base_filters,
                      ema_decay=args.ema_decay, samples=args.samples, grid_every=args.grid_every,
                      seed=args.seed, verbose=0 if args.quiet else 1)
    shares = " ".join(f"{s:.3f}" for s in report["class_shares"])
    print()
    print(f"DCGAN on {report['data']} {tuple(report['image_shape'])}: {report['epochs']} epochs "
          f"in {report['train_seconds']:.1f} s ({report['images_per_second']:.0f} images/s)")
    print(f"quality classifier test accuracy: {report['classifier_accuracy']:.4f}")
    print(f"classes covered (>= {report['min_share']:.0%} of {report['num_samples']} samples): "
          f"{report['classes_covered']} / {len(report['class_shares'])}")
    print(f"class shares: {shares}")
    print(f"mean confidence: {report['mean_confidence']:.3f} "
          f"(untrained {report['untrained']['mean_confidence']:.3f})")
    print(f"Frechet distance: {report['frechet_distance']:.2f} "
          f"(untrained {report['untrained']['frechet_distance']:.2f}, "
          f"{report['fid_improvement']:.1f}x lower)")
    if report["ema_decay"] is not None:
        raw = report["without_ema"]
        print(f"(samples from the generator's weight average, ema_decay={report['ema_decay']}; "
              f"its own weights: {raw['classes_covered']} classes, confidence "
              f"{raw['mean_confidence']:.3f}, Frechet distance {raw['frechet_distance']:.2f})")
    for role, path in report["files"].items():
        print(f"{role:>8}: {path}")
    return 0

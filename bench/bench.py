#!/usr/bin/python3
"""The libscep benchmark through the Python module, against the C figures.

Runs the six operations of scep_bench (same keys and certificates, same
method: process CPU time, rounds, the median round) through `import scep`
and prints each one's throughput as a fraction of the C benchmark's.

usage: bench/bench.py [--build DIR] [--keys 2048,3072] [--seconds S]
                      [--rounds R] [--material DIR] [--c-results FILE]
                      [--csv]

Without --material the keys are made by scep_bench; without --c-results
the C benchmark is run first on the same material.
"""
import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))


def options():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--build",
                        default=os.path.join(HERE, "..", "build-bench"),
                        help="the CMake build folder (default build-bench)")
    parser.add_argument("--keys", default="2048,3072")
    parser.add_argument("--seconds", type=float, default=2.0,
                        help="CPU seconds per operation, all rounds")
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--material",
                        help="folder written by scep_bench --save-material")
    parser.add_argument("--c-results",
                        help="scep_bench --csv output for the same material")
    parser.add_argument("--csv", action="store_true",
                        help="bits,operation,ops_per_sec,us_per_op,"
                             "c_us_per_op,ratio_to_c")
    return parser.parse_args()


def import_scep(build):
    module_dir = os.path.join(build, "swig", "python")
    if not os.path.exists(os.path.join(module_dir, "scep.py")):
        sys.exit("bench.py: no Python module in %s: build the project "
                 "first (cmake --build %s)" % (module_dir, build))
    sys.path.insert(0, module_dir)
    import scep
    return scep


def scep_bench(build):
    path = os.path.join(build, "bench", "scep_bench")
    if not os.access(path, os.X_OK):
        sys.exit("bench.py: no %s: build the project first" % path)
    return path


def read_c_results(text):
    """{(bits, operation): us_per_op} from scep_bench --csv."""
    results = {}
    for line in text.splitlines():
        fields = line.split(",")
        results[(int(fields[0]), fields[1])] = float(fields[3])
    return results


class Material:
    """One key size's PEM texts, as scep_bench wrote them."""

    def __init__(self, folder, bits):
        def read(name):
            with open(os.path.join(folder, str(bits), name)) as f:
                return f.read()

        self.ca_key = read("ca.key")
        self.ca_cert = read("ca.crt")
        self.client_key = read("client.key")
        self.client_csr = read("client.csr")
        self.client_cert = read("client.crt")
        self.issued_cert = read("issued.crt")
        self.ra_cert = read("ra.crt")


def operations(scep, m):
    """The six operations as scep_bench runs them, with their inputs."""
    client, ca = scep.Handle(), scep.Handle()
    request = client.pkcsreq(m.client_key, m.client_cert, m.ca_cert,
                             m.client_csr)
    reply = ca.create_certificate_reply(m.ca_key, m.ca_cert, request,
                                        m.issued_cert)
    ca.set_output_format(scep.FORMAT_DER)
    bundle = ca.create_certs_only(m.ca_cert + m.ra_cert, None, None)
    ca.set_output_format(scep.FORMAT_PEM)

    def pkcsreq():
        client.pkcsreq(m.client_key, m.client_cert, m.ca_cert, m.client_csr)

    def ca_unwrap():
        msg = ca.unwrap(request, None, m.ca_cert, m.ca_key)
        msg.transaction_id()
        msg.pkcs10()

    def certrep():
        ca.create_certificate_reply(m.ca_key, m.ca_cert, request,
                                    m.issued_cert)

    def client_unwrap():
        client.unwrap(reply, m.ca_cert, m.client_cert, m.client_key).cert()

    def parse():
        ca.parse(request, None).transaction_id()

    def certs_only():
        client.read_ca_certs(bundle).ca_cert()

    # Checked once, so that a wrong result cannot pass for a fast one.
    msg = ca.unwrap(request, None, m.ca_cert, m.ca_key)
    assert msg.pkcs10() == m.client_csr, "the CA reads another CSR"
    got = client.unwrap(reply, m.ca_cert, m.client_cert, m.client_key)
    assert got.cert().startswith(m.issued_cert), "another certificate"
    assert client.read_ca_certs(bundle).ca_cert() == m.ca_cert

    return [("pkcsreq", pkcsreq), ("ca_unwrap", ca_unwrap),
            ("certrep", certrep), ("client_unwrap", client_unwrap),
            ("parse", parse), ("certs_only", certs_only)]


def batch(fn, n):
    start = time.process_time()
    for _ in range(n):
        fn()
    return (time.process_time() - start) / n


def calibrate(fn, target):
    batch(fn, 2)
    n = 1
    while True:
        start = time.process_time()
        batch(fn, n)
        took = time.process_time() - start
        if took >= 0.02:
            return int(target / (took / n)) + 1
        n *= 4


def measure(ops, seconds, rounds):
    """{operation: median seconds per operation}, rounds interleaved."""
    sizes = {name: calibrate(fn, seconds / rounds) for name, fn in ops}
    costs = {name: [] for name, _ in ops}
    for _ in range(rounds):
        for name, fn in ops:
            costs[name].append(batch(fn, sizes[name]))
    return {name: statistics.median(costs[name]) for name in costs}


def main():
    args = options()
    build = os.path.abspath(args.build)
    scep = import_scep(build)
    keys = [int(k) for k in args.keys.split(",")]

    with tempfile.TemporaryDirectory() as scratch:
        material = args.material
        if material is None:
            material = os.path.join(scratch, "material")
            subprocess.run([scep_bench(build), "--keys", args.keys,
                            "--save-material", material,
                            "--material-only"], check=True)
        if args.c_results:
            with open(args.c_results) as f:
                c = read_c_results(f.read())
        else:
            c = read_c_results(subprocess.run(
                [scep_bench(build), "--keys", args.keys, "--csv",
                 "--seconds", str(args.seconds), "--rounds",
                 str(args.rounds), "--load-material", material],
                check=True, capture_output=True, text=True).stdout)

        for bits in keys:
            ops = operations(scep, Material(material, bits))
            results = measure(ops, args.seconds, args.rounds)
            report(bits, results, c, args.csv)


def report(bits, results, c, csv):
    if not csv:
        print("\nPython %d.%d, RSA %d" % (sys.version_info[0],
                                         sys.version_info[1], bits))
        print("%-15s %10s %10s %10s %8s" % ("operation", "ops/s", "us/op",
                                            "C us/op", "vs C"))
    for name, cost in results.items():
        c_cost = c[(bits, name)] / 1e6
        if csv:
            print("%d,%s,%.1f,%.2f,%.2f,%.3f" % (bits, name, 1 / cost,
                                                 cost * 1e6, c_cost * 1e6,
                                                 c_cost / cost))
        else:
            print("%-15s %10.1f %10.1f %10.1f %8.3f" % (
                name, 1 / cost, cost * 1e6, c_cost * 1e6, c_cost / cost))
    sys.stdout.flush()


if __name__ == "__main__":
    main()

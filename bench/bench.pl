#!/usr/bin/perl
# The libscep benchmark through the Perl module (SWIG module scep), against
# the C figures: the six operations of scep_bench on the same keys and
# certificates, timed the same way (process CPU time, rounds, the median
# round), each printed with its throughput as a fraction of C's.
#
# usage: bench/bench.pl [--build DIR] [--keys 2048,3072] [--seconds S]
#                       [--rounds R] [--material DIR] [--c-results FILE]
#                       [--csv]
#
# Without --material the keys are made by scep_bench; without --c-results
# the C benchmark is run first on the same material.
use strict;
use warnings;

use File::Basename qw(dirname);
use File::Spec;
use File::Temp qw(tempdir);
use Getopt::Long;
use Time::HiRes qw(clock_gettime CLOCK_PROCESS_CPUTIME_ID);

no warnings qw(once);    # the module's constants are used once here

my $here = File::Spec->rel2abs(dirname(__FILE__));
my %opt = (
    build   => "$here/../build-bench",
    keys    => '2048,3072',
    seconds => 2,
    rounds  => 5,
);
GetOptions(\%opt, 'build=s', 'keys=s', 'seconds=f', 'rounds=i',
           'material=s', 'c-results=s', 'csv')
    or die "usage: bench.pl [--build DIR] [--keys LIST] [--seconds S] "
         . "[--rounds R] [--material DIR] [--c-results FILE] [--csv]\n";

my $build = File::Spec->rel2abs($opt{build});
my $module_dir = "$build/swig/perl";
die "bench.pl: no Perl module in $module_dir: build the project first\n"
    unless -e "$module_dir/scep.pm";
unshift @INC, $module_dir;
require scep;

my $scep_bench = "$build/bench/scep_bench";
die "bench.pl: no $scep_bench: build the project first\n"
    unless -x $scep_bench;

sub slurp {
    my ($path) = @_;
    open my $f, '<', $path or die "bench.pl: cannot read $path: $!\n";
    local $/;
    return scalar <$f>;
}

sub run_capture {
    my @command = @_;
    open my $pipe, '-|', @command or die "bench.pl: cannot run $command[0]\n";
    local $/;
    my $out = <$pipe>;
    close $pipe or die "bench.pl: $command[0] failed\n";
    return $out;
}

# {"bits,operation" => us per operation} from scep_bench --csv.
sub c_results {
    my ($text) = @_;
    my %c;
    for my $line (split /\n/, $text) {
        my @f = split /,/, $line;
        $c{"$f[0],$f[1]"} = $f[3];
    }
    return \%c;
}

sub material {
    my ($folder, $bits) = @_;
    my %m;
    for my $name (qw(ca.key ca.crt client.key client.csr client.crt
                     issued.crt ra.crt)) {
        $m{$name} = slurp("$folder/$bits/$name");
    }
    return \%m;
}

# The six operations as scep_bench runs them, with their inputs.
sub operations {
    my ($m) = @_;
    my $client = scep::Handle->new();
    my $ca = scep::Handle->new();
    my $request = $client->pkcsreq($m->{'client.key'}, $m->{'client.crt'},
                                   $m->{'ca.crt'}, $m->{'client.csr'});
    my $reply = $ca->create_certificate_reply($m->{'ca.key'}, $m->{'ca.crt'},
                                              $request, $m->{'issued.crt'});
    $ca->set_output_format($scep::FORMAT_DER);
    my $bundle = $ca->create_certs_only($m->{'ca.crt'} . $m->{'ra.crt'},
                                        undef, undef);
    $ca->set_output_format($scep::FORMAT_PEM);

    # Checked once, so that a wrong result cannot pass for a fast one.
    my $msg = $ca->unwrap($request, undef, $m->{'ca.crt'}, $m->{'ca.key'});
    die "bench.pl: the CA reads another CSR\n"
        unless $msg->pkcs10() eq $m->{'client.csr'};
    my $got = $client->unwrap($reply, $m->{'ca.crt'}, $m->{'client.crt'},
                              $m->{'client.key'});
    die "bench.pl: the requester reads another certificate\n"
        unless index($got->cert(), $m->{'issued.crt'}) == 0;

    return (
        [pkcsreq => sub {
            $client->pkcsreq($m->{'client.key'}, $m->{'client.crt'},
                             $m->{'ca.crt'}, $m->{'client.csr'});
        }],
        [ca_unwrap => sub {
            my $msg = $ca->unwrap($request, undef, $m->{'ca.crt'},
                                  $m->{'ca.key'});
            $msg->transaction_id();
            $msg->pkcs10();
        }],
        [certrep => sub {
            $ca->create_certificate_reply($m->{'ca.key'}, $m->{'ca.crt'},
                                          $request, $m->{'issued.crt'});
        }],
        [client_unwrap => sub {
            $client->unwrap($reply, $m->{'ca.crt'}, $m->{'client.crt'},
                            $m->{'client.key'})->cert();
        }],
        [parse => sub { $ca->parse($request, undef)->transaction_id() }],
        [certs_only => sub { $client->read_ca_certs($bundle)->ca_cert() }],
    );
}

sub cpu { clock_gettime(CLOCK_PROCESS_CPUTIME_ID) }

sub batch {
    my ($fn, $n) = @_;
    my $start = cpu();
    $fn->() for 1 .. $n;
    return (cpu() - $start) / $n;
}

sub calibrate {
    my ($fn, $target) = @_;
    batch($fn, 2);
    my $n = 1;
    while (1) {
        my $start = cpu();
        batch($fn, $n);
        my $took = cpu() - $start;
        return int($target / ($took / $n)) + 1 if $took >= 0.02;
        $n *= 4;
    }
}

sub median {
    my @s = sort { $a <=> $b } @_;
    return @s % 2 ? $s[$#s / 2] : ($s[@s / 2 - 1] + $s[@s / 2]) / 2;
}

my $scratch = tempdir(CLEANUP => 1);
my $material = $opt{material};
if (!defined $material) {
    $material = "$scratch/material";
    system($scep_bench, '--keys', $opt{keys}, '--save-material', $material,
           '--material-only') == 0
        or die "bench.pl: scep_bench could not make the keys\n";
}
my $c = c_results(defined $opt{'c-results'}
    ? slurp($opt{'c-results'})
    : run_capture($scep_bench, '--keys', $opt{keys}, '--csv', '--seconds',
                  $opt{seconds}, '--rounds', $opt{rounds},
                  '--load-material', $material));

$| = 1;
for my $bits (split /,/, $opt{keys}) {
    my @ops = operations(material($material, $bits));
    my $target = $opt{seconds} / $opt{rounds};
    my %size = map { $_->[0] => calibrate($_->[1], $target) } @ops;
    my %cost;
    for (1 .. $opt{rounds}) {
        push @{$cost{$_->[0]}}, batch($_->[1], $size{$_->[0]}) for @ops;
    }

    printf "\nPerl %vd, RSA %d\n%-15s %10s %10s %10s %8s\n", $^V, $bits,
        'operation', 'ops/s', 'us/op', 'C us/op', 'vs C'
        unless $opt{csv};
    for my $op (@ops) {
        my $name = $op->[0];
        my $cost = median(@{$cost{$name}});
        my $c_cost = $c->{"$bits,$name"} / 1e6;
        my $format = $opt{csv} ? "%d,%s,%.1f,%.2f,%.2f,%.3f\n"
                               : "%-15s %10.1f %10.1f %10.1f %8.3f\n";
        if ($opt{csv}) {
            printf $format, $bits, $name, 1 / $cost, $cost * 1e6,
                $c_cost * 1e6, $c_cost / $cost;
        } else {
            printf $format, $name, 1 / $cost, $cost * 1e6, $c_cost * 1e6,
                $c_cost / $cost;
        }
    }
}

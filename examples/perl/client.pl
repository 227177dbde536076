#!/usr/bin/perl
# SCEP client side with the scep module: build a PKCSReq, read the CertRep.
#
#   client.pl request KEY CERT CA_CERT CSR > request.pem
#   client.pl reply KEY CERT CA_CERT < reply.pem > issued.pem
#
# KEY and CERT are the requester's key and (self-signed) certificate,
# CA_CERT the CA certificate the request is encrypted to.
use strict;
use warnings;

use scep;

sub slurp {
    my ($path) = @_;

    open my $in, '<:raw', $path or die "cannot read $path: $!\n";
    local $/;
    return scalar <$in>;
}

my ($command, $key, $cert, $ca_cert, $csr) = @ARGV;
die "usage: $0 request KEY CERT CA_CERT CSR | reply KEY CERT CA_CERT\n"
    unless defined $ca_cert && ($command eq 'reply' || defined $csr);
my $handle = scep::Handle->new();

if ($command eq 'request') {
    print $handle->pkcsreq(slurp($key), slurp($cert), slurp($ca_cert),
                           slurp($csr));
    exit 0;
}

# The reply must be signed by the CA (or an RA it issued) and is
# encrypted to our certificate.
binmode STDIN;
my $reply = do { local $/; <STDIN> };
my $message = $handle->unwrap($reply, slurp($ca_cert), slurp($cert),
                              slurp($key));
my $status = $message->pki_status();
if ($status eq 'SUCCESS') {
    print $message->cert();
} elsif ($status eq 'PENDING') {
    print STDERR "pending: poll again with transaction ",
                 $message->transaction_id(), "\n";
    exit 2;
} else {
    die "refused: ", $message->fail_info(), "\n";
}

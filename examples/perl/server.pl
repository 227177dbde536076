#!/usr/bin/perl
# SCEP server side with the scep module: open a PKCSReq and answer it.
#
#   server.pl CA_CERT CA_KEY < request.pem > reply.pem
#
# The CSR is signed with `openssl x509 -req` for a year when it carries the
# challenge password in $SCEP_CHALLENGE (or any, when that is unset);
# otherwise the reply is a FAILURE with badRequest.
use strict;
use warnings;

use File::Temp qw(tempdir);
use scep;

sub slurp {
    my ($path) = @_;

    open my $in, '<:raw', $path or die "cannot read $path: $!\n";
    local $/;
    return scalar <$in>;
}

sub issue {
    my ($csr, $ca_cert, $ca_key) = @_;
    my $dir = tempdir(CLEANUP => 1);

    open my $out, '>', "$dir/req.pem" or die "cannot write: $!\n";
    print {$out} $csr;
    close $out;
    system('openssl', 'x509', '-req', '-in', "$dir/req.pem", '-CA', $ca_cert,
           '-CAkey', $ca_key, '-set_serial', time, '-days', '365',
           '-sha256', '-out', "$dir/cert.pem") == 0
        or die "openssl could not issue the certificate\n";
    return slurp("$dir/cert.pem");
}

my ($ca_cert, $ca_key) = @ARGV;
die "usage: $0 CA_CERT CA_KEY < request > reply\n" unless defined $ca_key;
binmode STDIN;
my $request = do { local $/; <STDIN> };
my $handle = scep::Handle->new();
my ($cert, $key) = (slurp($ca_cert), slurp($ca_key));

# Requests are signed by the requester's own certificate, included in the
# message; the CA certificate and key open the envelope.
my $message = $handle->unwrap($request, undef, $cert, $key);
die "not a PKCSReq but ", $message->message_type(), "\n"
    unless $message->message_type() eq 'PKCSReq';
print STDERR "request ", $message->transaction_id(), " for ",
             $message->subject(), "\n";

my $expected = $ENV{SCEP_CHALLENGE};
my $given = eval { $message->challenge_password() };
if (defined $expected && (!defined $given || $given ne $expected)) {
    print $handle->create_error_reply($key, $cert, $request, 'badRequest');
    exit 0;
}
my $issued = issue($message->pkcs10(), $ca_cert, $ca_key);
print $handle->create_certificate_reply($key, $cert, $request,
                                        $issued . $cert);

#!/usr/bin/tclsh
# SCEP client side: build a PKCSReq for a CSR, then read the CA's CertRep.
#
# Usage: client.tcl VECTORS_DIR   (the test keys and a CertRep live there)
package require scep

proc slurp {path {mode r}} {
    set f [open $path $mode]
    set data [read $f]
    close $f
    return $data
}

set vectors [lindex $argv 0]
set keys [file join $vectors peers/captured/keys]
set key [slurp $keys/libscep-client/key1.pem]
set signer [slurp $keys/libscep-client/selfsigned-signer-1.pem]
set csr [slurp $keys/libscep-client/csr1.pem]
set ca_cert [slurp $keys/micromdm-ca/ca.pem]

set status [catch {
    set handle [scep::Handle]
    $handle set_sigalg sha256
    $handle set_encalg aes256

    # The request, ready to POST to the server's pkiclient.exe.
    set request [$handle pkcsreq $key $signer $ca_cert $csr]
    puts "PKCSReq [[$handle parse $request] transaction_id]"

    # The server's answer: verify it came from the CA, open it with our key.
    set answer [slurp $vectors/generated/certrep-success.der rb]
    set reply [$handle unwrap $answer $ca_cert $signer $key]
    puts "CertRep [$reply pki_status] [$reply transaction_id]"
    switch [$reply pki_status] {
        SUCCESS {puts -nonewline [$reply cert]}
        FAILURE {puts "refused: [$reply fail_info]"}
    }
} message options]
if {$status} {
    puts stderr "scep: $message ([lindex [dict get $options -errorcode] 1])"
    exit 1
}

#!/usr/bin/tclsh
# SCEP server side: open a client's PKCSReq and answer it.
#
# Usage: server.tcl VECTORS_DIR ?REQUEST_FILE?
# Issues the test CA's certificate for libscep-client-1 when the CSR's
# subject matches it, otherwise answers PENDING.
package require scep

proc slurp {path {mode r}} {
    set f [open $path $mode]
    set data [read $f]
    close $f
    return $data
}

set issued_for /C=DE/O=libscep-test/CN=libscep-client-1
set vectors [lindex $argv 0]
set keys [file join $vectors peers/captured/keys/micromdm-ca]
set request_file [expr {$argc > 1 ? [lindex $argv 1]
                        : "$vectors/generated/pkcsreq.der"}]
set ca_cert [slurp $keys/ca.pem]
set ca_key [slurp $keys/ca-key-plain.pem]
set request [slurp $request_file rb]

set status [catch {
    set handle [scep::Handle]
    set msg [$handle unwrap $request "" $ca_cert $ca_key]
    puts "[$msg message_type] [$msg transaction_id] from [$msg subject]"

    if {[$msg message_type] eq "PKCSReq" && [$msg subject] eq $issued_for} {
        set issued [slurp $keys/issued/libscep-client-1.11.pem]
        set reply [$handle create_certificate_reply $ca_key $ca_cert \
            $request $issued]
    } else {
        set reply [$handle create_pending_reply $ca_key $ca_cert $request]
    }
    puts "answer [[$handle parse $reply $ca_cert] pki_status]"
    puts -nonewline $reply
} message options]
if {$status} {
    puts stderr "scep: $message ([lindex [dict get $options -errorcode] 1])"
    exit 1
}

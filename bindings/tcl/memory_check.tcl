# Creates and deletes a handle and a message 100,000 times and checks that
# the process's resident memory stays flat between 10,000 and 100,000
# rounds.  Tcl objects are commands: deleting the command frees the object.
#
# Usage: tclsh memory_check.tcl [VECTORS_DIR]
package require scep

set rounds 100000
set warmup 10000
set tolerance_kb 1024

proc rss_kb {} {
    set f [open /proc/self/status]
    regexp -line {^VmRSS:\s+(\d+)} [read $f] -> kb
    close $f
    return $kb
}

proc one_round {data} {
    set handle [scep::Handle]
    set msg [$handle parse $data]
    $msg transaction_id
    $msg sender_nonce
    $msg signer_cert
    catch {$msg fail_info}
    rename $msg {}
    rename $handle {}
}

set vectors [expr {$argc > 0 ? [lindex $argv 0] : $env(SCEP_VECTORS)}]
set f [open [file join $vectors generated/pkcsreq.der] rb]
set data [read $f]
close $f

for {set i 0} {$i < $warmup} {incr i} {one_round $data}
set after_warmup [rss_kb]
for {} {$i < $rounds} {incr i} {one_round $data}
set after_all [rss_kb]

set growth [expr {$after_all - $after_warmup}]
puts "tcl: RSS after $warmup rounds $after_warmup kB, after $rounds rounds\
      $after_all kB, growth $growth kB"
if {$growth > $tolerance_kb} {
    puts "tcl: memory grows by more than $tolerance_kb kB"
    exit 1
}

"""Top allocation sites of a FanoutDriver JFR recording, per request (issue 16, item 3).

usage: python3 jfr_alloc_sites.py RECORDING.jfr DRIVER_OUTPUT.jsonl LAST_PASSES [ROWS]

The jdk.ObjectAllocationSample weights of the last LAST_PASSES passes (as in jfr_attribution.py), summed by
allocated class and the four frames nearest the allocation, over those passes' requests: B per request, largest
first. The weights are JFR's estimate of every byte allocated, so a row is good to tens of bytes, not to one.
"""
import json, subprocess, sys
from datetime import datetime, timedelta
rec, drv, last = sys.argv[1], sys.argv[2], int(sys.argv[3])
passes=[json.loads(l) for l in open(drv) if l.startswith('{')][-last:]
req=sum(p['requests'] for p in passes); window=timedelta(seconds=sum(p['seconds'] for p in passes))
ev=json.loads(subprocess.run(['jfr','print','--json','--events','jdk.ObjectAllocationSample',rec],capture_output=True,text=True).stdout)['recording']['events']
w=lambda e: datetime.fromisoformat(e['values']['startTime'].rstrip('Z')[:26])
end=max(w(e) for e in ev); ev=[e for e in ev if w(e)>=end-window]
agg={}
for e in ev:
    fr=[f['method']['type']['name'].split('/')[-1]+'.'+f['method']['name'] for f in (e['values']['stackTrace'] or {'frames':[]})['frames']]
    key=(e['values']['objectClass']['name'].split('/')[-1], ' < '.join(fr[:4]))
    agg[key]=agg.get(key,0)+int(e['values']['weight'])
tot=sum(agg.values())
print(req, 'requests', tot/req, 'B/req')
for k,v in sorted(agg.items(), key=lambda kv:-kv[1])[:int(sys.argv[4]) if len(sys.argv)>4 else 40]:
    print(f"{v/req:7.0f}  {k[0]:40s} {k[1][:170]}")

"""Module graph of one crate: strongly connected components among its top-level modules,
and circles among its files (each file a node; an edge for every `use crate::…`,
`super::…` or grouped `use` that reaches another file's module). `#[cfg(test)] mod tests`
blocks are left out; test-only files are not.

Usage: python3 benches/module_graph.py SRC_DIR [-v]
       for c in crates/core/src crates/checks/src crates/lab/src src; do
         python3 benches/module_graph.py $c; done
"""
import os,re,sys,collections
root=sys.argv[1]
mods={}  # module path tuple -> file
for dp,dn,fn in os.walk(root):
    for f in fn:
        if not f.endswith('.rs'): continue
        p=os.path.join(dp,f); rel=os.path.relpath(p,root)
        parts=rel[:-3].split('/')
        if parts[-1] in ('mod','lib','main'): parts=parts[:-1]
        mods[tuple(parts)]=p
# #[path] test files: attach to their includer, skip as nodes if included via path attr
def strip(s):
    s=re.sub(r'//[^\n]*','',s)
    # drop cfg(test) modules roughly: '#[cfg(test)]\nmod tests {' ... until end of file
    i=s.find('#[cfg(test)]\nmod tests')
    if i>=0: s=s[:i]
    return s
def expand(prefix, body):
    out=[];depth=0;cur='';items=[]
    for ch in body:
        if ch=='{': depth+=1
        elif ch=='}': depth-=1
        if ch==',' and depth==0: items.append(cur);cur=''
        else: cur+=ch
    items.append(cur)
    for it in items:
        it=it.strip()
        if not it: continue
        m=re.match(r'^((?:\w+\s*::\s*)*)\{(.*)\}$',it,re.S)
        if m:
            p=[x.strip() for x in m.group(1).split('::') if x.strip()]
            out+=expand(prefix+p,m.group(2))
        else:
            out.append(prefix+[x.strip() for x in it.split(' as ')[0].split('::')])
    return out
edges=collections.defaultdict(set)
for mp,p in mods.items():
    s=strip(open(p).read())
    is_dirmod=p.endswith(('mod.rs','lib.rs','main.rs'))
    here=list(mp)
    paths=[]
    for m in re.finditer(r'\buse\s+((?:crate|super|self)(?:::\w+)*)(?:::\{(.*?)\})?\s*;',s,re.S):
        base=m.group(1).split('::')
        if m.group(2) is not None: paths+=expand(base,m.group(2))
        else: paths.append(base)
    for m in re.finditer(r'(?<![\w:])((?:crate|super)(?:::\w+)+)',s):
        paths.append(m.group(1).split('::'))
    for segs in paths:
        segs=[x for x in segs if x]
        if not segs: continue
        if segs[0]=='crate': cur=[];segs=segs[1:]
        else:
            cur=here[:]
            if segs[0]=='self':
                segs=segs[1:]
            while segs and segs[0]=='super':
                cur=cur[:-1]; segs=segs[1:]
        full=cur+segs
        # longest existing module prefix
        for k in range(len(full),-1,-1):
            t=tuple(full[:k])
            if t in mods:
                if t!=tuple(here) and not (len(t)< len(here) and tuple(here[:len(t)])==t):
                    edges[tuple(here)].add(t)
                break
def scc(nodes,edges):
    idx={};low={};st=[];on=set();out=[];i=[0]
    sys.setrecursionlimit(100000)
    def sc(v):
        idx[v]=low[v]=i[0];i[0]+=1;st.append(v);on.add(v)
        for w in edges.get(v,()):
            if w not in idx: sc(w);low[v]=min(low[v],low[w])
            elif w in on: low[v]=min(low[v],idx[w])
        if low[v]==idx[v]:
            c=[]
            while True:
                w=st.pop();on.discard(w);c.append(w)
                if w==v: break
            out.append(c)
    for v in nodes:
        if v not in idx: sc(v)
    return [c for c in out if len(c)>1]
files=scc(list(mods),edges)
top=collections.defaultdict(set)
for a,bs in edges.items():
    for b in bs:
        if a and b and a[0]!=b[0]: top[a[0]].add(b[0])
tops=scc(sorted({m[0] for m in mods if m}),top)
print(f'{root}: top-level SCCs {len(tops)} {[sorted(c) for c in tops]}; file-level circles {len(files)}')
if '-v' in sys.argv:
    for c in files: print('  file circle:',sorted('::'.join(x) for x in c))
    for c in tops: 
        for a in sorted(c): print('  ',a,'->',sorted(top[a]&set(c)))
